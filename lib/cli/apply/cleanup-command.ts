import { Command, Option } from 'commander';
import { DEFAULT_CONCURRENCY } from '../../cluster/apply';
import { CleanupPlan, executeCleanup, planCleanup } from '../../cluster/cleanup';
import { CLEANUP_KINDS, plural } from '../../cluster/kinds';
import { VirtworkError } from '../../core/errors';
import { LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../../core/labels';
import { Reporter } from './_reporter';
import {
  APPLY_EXIT, ApplyContext, auditFrom, cancellable, checkLabelFlag, DryRunMode, dryRunOption, globalOptions, parseDuration, parsePositiveInt, recorded,
} from './_session';
import { openNamespace } from './_namespace';
import { count } from '../_words';

/** Options of `cleanup`. */
export interface CleanupCommandOptions {
  readonly runId?: string;
  readonly yes?: boolean;
  /** `--dry-run=<mode>`: `server` or `client` only preview (a bare `--dry-run` arrives as `server`); `none` deletes. */
  readonly dryRun?: DryRunMode;
  readonly wait?: boolean;
  readonly timeout: string;
  readonly deleteNamespace?: boolean;
  readonly concurrency: string;
}

/** `virtwork-apply cleanup`: deletes what virtwork created in a namespace (optionally one run only). */
export function cleanupCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  return new Command('cleanup')
    .description(`Delete the objects labelled ${LABEL_MANAGED_BY}=${MANAGED_BY} in one namespace: ${CLEANUP_KINDS.map((k) => plural(k.kind)).join(', ')}`)
    .option('--run-id <id>', `only objects labelled ${LABEL_RUN_ID}=<id>`)
    .option('-y, --yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .addOption(dryRunOption('server or client: only show what would be deleted (a bare --dry-run means server); none: delete'))
    .option('--wait', 'wait until the deleted objects are gone')
    .addOption(new Option('--timeout <duration>', 'limit of --wait (90s, 10m, 1h)').default('5m'))
    .option('--delete-namespace', 'also delete the namespace, if virtwork created it and nothing else is left in it')
    .addOption(new Option('--concurrency <n>', 'deletes in flight at once').default(String(DEFAULT_CONCURRENCY)))
    .addHelpText('after', `
Safety: only objects carrying ${LABEL_MANAGED_BY}=${MANAGED_BY} (and ${LABEL_RUN_ID}=<id> with --run-id) in the
namespace are selected; each one's labels and namespace are checked again right before its delete, which carries
its uid as a precondition (an object replaced since the preview is left alone).

Examples:
  $ virtwork-apply cleanup                                 # preview, then ask before deleting
  $ virtwork-apply cleanup --run-id run-20260701-093012-ab12 --yes --wait
  $ virtwork-apply cleanup -n load-test --dry-run
  $ virtwork-apply cleanup -n load-test --yes --delete-namespace

Exit codes: 0 done (or nothing to do, or --dry-run), 1 error, not confirmed, or some objects could not be deleted,
2 usage, 130 interrupted.`)
    .action(async (opts: CleanupCommandOptions, command: Command) => {
      setExit(await cancellable(ctx, () => runCleanup({ ...opts, dryRun: opts.dryRun === 'none' ? undefined : opts.dryRun }, command, ctx)));
    });
}

async function runCleanup(opts: CleanupCommandOptions, command: Command, ctx: ApplyContext): Promise<number> {
  const g = globalOptions(command);
  const concurrency = parsePositiveInt('--concurrency', opts.concurrency);
  const timeoutMs = parseDuration('--timeout', opts.timeout);
  checkLabelFlag('--run-id', opts.runId);
  const { reporter, cluster, namespace } = await openNamespace(g, ctx, opts.runId);
  const plan = await planCleanup(cluster, { namespace, runId: opts.runId });
  preview(reporter, plan);
  const audit = await auditFrom(g, ctx);
  const runId = opts.runId ?? (plan.runIds.length === 1 ? plan.runIds[0] : '*');
  const row = audit.startRun({ runId, command: opts.dryRun ? `cleanup --dry-run=${opts.dryRun}` : 'cleanup', context: cluster.context, namespace });
  try {
    return await recorded(audit, row, async () => {
      if (plan.total === 0 && !opts.deleteNamespace) {
        reporter.line(`nothing to clean up in namespace ${namespace}`);
        return { code: APPLY_EXIT.ok };
      }
      if (opts.dryRun) {
        reporter.line('dry run: nothing deleted');
        return { code: APPLY_EXIT.ok };
      }
      if (!opts.yes && !(await confirm(ctx, plan, opts.deleteNamespace))) {
        reporter.warn('virtwork-apply: cleanup not confirmed: nothing deleted');
        return { code: APPLY_EXIT.failure, outcome: 'aborted', error: 'not confirmed' };
      }
      let deletedSoFar = 0;
      reporter.progress(() => `deleting: ${deletedSoFar}/${plan.total} objects`);
      let result;
      try {
        result = await executeCleanup(cluster, plan, {
          concurrency, wait: opts.wait, timeoutMs, deleteNamespace: opts.deleteNamespace,
          onDeleted: (kind, name) => {
            deletedSoFar++;
            reporter.event('deleted', { kind, name, namespace });
            reporter.update();
          },
        });
      } finally {
        reporter.done();
      }
      for (const [kind, count] of Object.entries(result.deleted)) audit.recordObjects(row, 'deleted', kind, count);
      const failedByKind = new Map<string, number>();
      result.errors.forEach((e) => failedByKind.set(e.kind, (failedByKind.get(e.kind) ?? 0) + 1));
      for (const [kind, count] of failedByKind) audit.recordObjects(row, 'failed', kind, count);
      for (const e of result.errors) {
        reporter.event('delete-failed', { ...e, namespace });
        reporter.warn(`virtwork-apply: could not delete ${e.kind} ${e.name}: ${e.message}`);
      }
      const total = Object.values(result.deleted).reduce((a, b) => a + b, 0);
      reporter.event('cleanup-finished', { namespace, deleted: result.deleted, errors: result.errors.length, namespaceResult: result.namespace, namespaceReason: result.namespaceReason, remaining: result.remaining });
      reporter.line(`deleted ${count(total, 'object')} in namespace ${namespace}${result.errors.length ? `, ${result.errors.length} could not be deleted` : ''} in ${reporter.elapsed().toFixed(1)}s`);
      if (result.remaining) reporter.warn(`virtwork-apply: ${result.remaining} deleted objects still present after ${opts.timeout}`);
      if (result.namespace === 'deleted') reporter.line(`namespace ${namespace} deleted`);
      if (result.namespace === 'kept') reporter.warn(`virtwork-apply: namespace kept: ${result.namespaceReason}`);
      return result.errors.length > 0
        ? { code: APPLY_EXIT.failure, outcome: 'failed', error: `${count(result.errors.length, 'object')} could not be deleted` }
        : { code: APPLY_EXIT.ok };
    });
  } finally {
    await audit.close();
  }
}

function preview(reporter: Reporter, plan: CleanupPlan): void {
  const counts = Object.fromEntries(plan.kinds.map((k) => [k.ref.kind, k.objects.length]));
  const notServed = plan.kinds.filter((k) => !k.served).map((k) => `${k.ref.kind} (${k.ref.apiVersion})`);
  reporter.event('cleanup-preview', { namespace: plan.namespace, runId: plan.runId, counts, total: plan.total, runIds: plan.runIds, notServed });
  reporter.line(`namespace ${plan.namespace}${plan.runId ? `, run id ${plan.runId}` : ', all runs'}: ${count(plan.total, 'object')} to delete` +
    (plan.runIds.length ? ` (run ids: ${plan.runIds.join(', ')})` : ''));
  reporter.table(['KIND', 'OBJECTS'], plan.kinds.filter((k) => k.served && k.objects.length > 0).map((k) => [plural(k.ref.kind), k.objects.length]));
  if (notServed.length > 0) reporter.line(`note: skipped, not served by this cluster (CRD not installed): ${notServed.join(', ')}`);
}

/** Asks on the terminal; refuses (error) when standard input is not one. */
async function confirm(ctx: ApplyContext, plan: CleanupPlan, deleteNamespace?: boolean): Promise<boolean> {
  if (!ctx.stdinIsTty) {
    throw new VirtworkError(`refusing to delete ${count(plan.total, 'object')} without confirmation: standard input is not a terminal; pass --yes to confirm`);
  }
  ctx.err(`Delete these ${plan.total} objects${deleteNamespace ? ` and, if nothing else is left in it, namespace ${plan.namespace}` : ''}? [y/N] `);
  const answer = (await ctx.readLine()).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}
