import { Command, Option } from 'commander';
import { relative, resolve } from 'node:path';
import { loadConfig } from '../config/synth-input';
import { configNotes } from '../config/merge';
import { FleetConfig, fleetRows, formatFleetRows } from '../fleet';
import { count } from './_words';
import { CONFIG_ENV } from '../config/schema';
import { RenderResult, renderToDir } from '../render/render';
import { sealInput } from '../config/seal-input';
import { addConfigOptions } from './_config-options';
import { CliContext } from './_context';
import { UsageError, show } from '../core/errors';

/** Output directory when neither `--output-dir` nor `CDK8S_OUTDIR` names one. */
export const DEFAULT_OUTPUT = 'dist';

/** `virtwork synth`: renders the configuration into a directory of manifests, atomically. */
export function synthCommand(ctx: CliContext): Command {
  return addConfigOptions(new Command('synth'))
    .description('Synthesize the configuration (virtwork.yaml, VIRTWORK_* variables, flags) into a directory of manifests, atomically')
    .addOption(new Option('-d, --output-dir <dir>', `directory to replace (env: CDK8S_OUTDIR, default: ${DEFAULT_OUTPUT})`))
    .addOption(new Option('-o, --output <dir>', 'deprecated spelling of --output-dir (-o is the output format in virtwork-apply)').hideHelp())
    .addHelpText('after', `
Precedence per key: flags > VIRTWORK_* environment variables > virtwork.yaml > defaults.

Examples:
  $ virtwork synth                                   # virtwork.yaml (or the defaults) into dist/
  $ virtwork synth --workloads cpu,memory,disk --vm-count 3
  $ virtwork synth --params cpu.cpu-load-percent=50 --params memory.memory-percent=60
  $ virtwork synth --ssh-key-file ~/.ssh/id_ed25519.pub -d /tmp/manifests
  $ virtwork synth --size medium --data-disk-storage-class ocs-rbd --workloads storage-bench
  $ virtwork synth --workloads mixed                 # only the fleet "mixed" of virtwork.yaml (prints its counts)
  $ virtwork synth --user-data-secret reference --secrets-out ../virtwork-secrets --gitops-dir gitops
  $ virtwork synth --signals true --signals-dir monitoring     # PrometheusRule + dashboard (docs/signals.md)`)
    .action((opts: Record<string, unknown>) => {
      if (opts.output !== undefined) {
        if (opts.outputDir !== undefined) throw new UsageError('-o/--output and -d/--output-dir are the same option; give -d/--output-dir');
        ctx.err(`virtwork: note: -o/--output is deprecated, use -d/--output-dir (${show(opts.output)} used)\n`);
      }
      const result = runSynth(opts, ctx);
      const shown = relative(ctx.cwd, result.outdir) || '.';
      ctx.out(`wrote ${count(result.files.length, 'file')} to ${shown}/: ${result.files.join(', ')}\n`);
      for (const extra of [result.gitops, result.secrets, result.signals]) {
        if (extra) ctx.out(`wrote ${count(extra.files.length, 'file')} to ${relative(ctx.cwd, extra.dir) || '.'}/: ${extra.files.join(', ')}\n`);
      }
      if (result.fleets.length > 0) ctx.out(formatFleetRows(fleetRows(result.fleets, (i) => result.vmsByInstance.get(i))));
      if (result.unwrittenSecrets > 0) {
        ctx.out(`note: the manifests reference ${result.unwrittenSecrets} user-data Secrets they do not contain; write them with --secrets-out <dir>\n`);
      }
    });
}

/**
 * What `virtwork synth` and the cdk8s app run: load the configuration, synthesize in memory, then replace
 * the output directory (notes about Go virtwork keys go to `ctx.err`) (`--output-dir` or its deprecated spelling `--output`, else `CDK8S_OUTDIR`, else `dist`).
 * Bad input leaves it untouched.
 */
export function runSynth(opts: Readonly<Record<string, unknown>>, ctx: Pick<CliContext, 'env' | 'cwd'> & Partial<Pick<CliContext, 'err'>>): RenderResult & { readonly fleets: readonly FleetConfig[] } {
  const loaded = loadConfig({ flags: opts, env: ctx.env, cwd: ctx.cwd });
  for (const note of configNotes(loaded.merged)) ctx.err?.(`virtwork: ${note}\n`);
  const output = (opts.outputDir as string | undefined) ?? (opts.output as string | undefined) ?? (ctx.env.CDK8S_OUTDIR || undefined) ?? DEFAULT_OUTPUT;
  const { settings, origins } = loaded.merged;
  const dirOf = (value: string | undefined, origin: { dir: string } | undefined) => (value === undefined ? undefined : resolve(origin?.dir ?? ctx.cwd, value));
  // Without a flag or CDK8S_OUTDIR, dist/ goes beside the virtwork.yaml that was looked up (maybe in a parent directory).
  const given = opts.outputDir !== undefined || opts.output !== undefined || Boolean(ctx.env.CDK8S_OUTDIR);
  const lookedUp = opts.config === undefined && !ctx.env[CONFIG_ENV] ? loaded.merged.file?.dir : undefined;
  const outdir = resolve(given ? ctx.cwd : (lookedUp ?? ctx.cwd), output);
  const result = renderToDir(sealInput(loaded.input, loaded.merged, outdir), outdir, {
    gitopsDir: dirOf(settings.gitopsDir, origins.gitopsDir),
    secretsOut: dirOf(settings.secretsOut, origins.secretsOut),
    signalsDir: dirOf(settings.signalsDir, origins.signalsDir),
  });
  const selected = new Set(loaded.input.workloads.map((w) => w.name));
  const fleets = (loaded.merged.file?.fleets ?? []).filter((f) => f.instances.some((i) => selected.has(i.instance)));
  return { ...result, fleets };
}
