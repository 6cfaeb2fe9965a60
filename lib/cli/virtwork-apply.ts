import { Command, Option } from 'commander';
import { packageInfo } from '../core/_package';
import { runCli } from './_main';
import { applyCommand } from './apply/apply-command';
import { checkSignalsCommand } from './apply/check-signals-command';
import { cleanupCommand } from './apply/cleanup-command';
import { auditOptions, historyCommand } from './apply/history-command';
import { migrateCommand } from './apply/migrate-command';
import { statusCommand } from './apply/status-command';
import { waitCommand } from './apply/wait-command';
import { OUTPUT_FORMATS } from './apply/_reporter';
import { ApplyContext, DRY_RUN_MODES, installSignalHandlers, processApplyContext } from './apply/_session';

/** The `virtwork-apply` program (cluster side): apply, wait, status, cleanup, history. */
export function virtworkApplyProgram(ctx: ApplyContext, setExit: (code: number) => void): Command {
  const program = new Command('virtwork-apply')
    .description('Apply virtwork manifests to a KubeVirt cluster, wait for the VMs, show their status, clean up, and keep a history of runs')
    .version(packageInfo().version, '-V, --version', 'print the version')
    .option('--kubeconfig <file>', 'kubeconfig file(s), ":"-separated (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', 'namespace (apply: moves every namespaced object there); default: see "Which namespace" in docs/apply.md')
    .option('--request-timeout <duration>', 'time limit of one request attempt (connecting: at most 10s of it); unanswered requests get 3 attempts (default: 30s)')
    .addOption(new Option('-o, --output <format>', 'text (tables, live progress on a terminal), wide (text, every column), json (JSON lines) or yaml (one document per event)').choices([...OUTPUT_FORMATS]));
  auditOptions().forEach((o) => program.addOption(o));
  program
    .addCommand(applyCommand(ctx, setExit))
    .addCommand(waitCommand(ctx, setExit))
    .addCommand(statusCommand(ctx, setExit))
    .addCommand(cleanupCommand(ctx, setExit))
    .addCommand(migrateCommand(ctx, setExit))
    .addCommand(checkSignalsCommand(ctx, setExit))
    .addCommand(historyCommand({ write: ctx.out, env: ctx.env }))
    .addHelpText('after', `
Examples:
  $ virtwork-apply apply -f dist/ --wait               # apply, then wait for every VM to be Ready
  $ virtwork-apply apply -f dist/ --dry-run=server -o yaml
  $ virtwork-apply status
  $ virtwork-apply cleanup --run-id <id> --yes --wait
  $ virtwork-apply history

Exit codes: 0 success, 1 error (one line on stderr), 2 usage error, 3 VMs not ready (wait, apply --wait),
130 interrupted (SIGINT/SIGTERM; a second signal exits at once).`);
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err }).showSuggestionAfterError(true).configureHelp({ showGlobalOptions: true });
  }
  return program;
}

/** Runs `virtwork-apply` with `args` (without the node and script names) in `ctx` and returns the exit code. */
export function runVirtworkApply(args: readonly string[], ctx: ApplyContext): Promise<number> {
  let code = 0;
  return runCli('virtwork-apply', async () => {
    await virtworkApplyProgram(ctx, (c) => (code = c)).parseAsync(normalizeDryRun(args), { from: 'user' });
    return code;
  }, ctx.err);
}

/**
 * kubectl's `--dry-run=server|client|none`, with the old bare `--dry-run` kept (it means `server`): a `--dry-run`
 * not followed by a mode becomes `--dry-run=server`, so `apply --dry-run dist/` still reads dist/.
 */
export function normalizeDryRun(args: readonly string[]): string[] {
  return args.map((arg, i) => (arg === '--dry-run' && !(DRY_RUN_MODES as readonly string[]).includes(args[i + 1] ?? '') ? '--dry-run=server' : arg));
}

/** Entry point of the `virtwork-apply` bin: signal handlers, then one exit from one place. */
export async function main(argv: readonly string[]): Promise<never> {
  const controller = new AbortController();
  const ctx = processApplyContext(controller.signal);
  installSignalHandlers(controller, ctx.err);
  process.exit(await runVirtworkApply(argv.slice(2), ctx));
}
