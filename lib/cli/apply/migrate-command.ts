import { Command } from 'commander';
import { migrateVms } from '../../cluster/migrate';
import { openNamespace } from './_namespace';
import { APPLY_EXIT, ApplyContext, cancellable, checkLabelFlag, globalOptions, parseDuration } from './_session';

/** Options of `migrate`. */
export interface MigrateCommandOptions {
  readonly runId?: string;
  readonly workload?: string;
  readonly wait?: boolean;
  readonly timeout: string;
}

/** `virtwork-apply migrate [vm...]`: live-migrates running virtwork VMs now. */
export function migrateCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  return new Command('migrate')
    .description('Live-migrate running virtwork VMs now: one VirtualMachineInstanceMigration per VM (all, or the named ones)')
    .argument('[vm...]', 'VMs to migrate (default: every running virtwork VM of the namespace, run and workload)')
    .option('--run-id <id>', 'only the VMs of this run')
    .option('--workload <name>', 'only the VMs of this workload (e.g. cpu)')
    .option('--wait', 'wait until each migration succeeded or failed')
    .option('--timeout <duration>', 'with --wait: give up after this long (90s, 10m, 1h)', '10m')
    .addHelpText('after', `
Only VMs virtwork manages are considered (label app.kubernetes.io/managed-by=virtwork). VMs that are not running,
not live-migratable (e.g. ReadWriteOnce storage) or already migrating are skipped with the reason.

Examples:
  $ virtwork-apply migrate                                 # every running virtwork VM in namespace virtwork
  $ virtwork-apply migrate virtwork-cpu-0 --wait
  $ virtwork-apply migrate -n load --workload disk --run-id perf-42 --wait --timeout 20m

Exit codes: 0 requested (or, with --wait, succeeded), 1 error, 2 usage, 3 a named VM was skipped or a migration
failed or did not finish in time, 130 interrupted.`)
    .action(async (vms: string[], opts: MigrateCommandOptions, command: Command) => {
      setExit(await cancellable(ctx, async () => {
        const g = globalOptions(command);
        checkLabelFlag('--run-id', opts.runId);
        checkLabelFlag('--workload', opts.workload);
        const waitMs = opts.wait ? parseDuration('--timeout', opts.timeout) : undefined;
        const { reporter, cluster, namespace } = await openNamespace(g, ctx, opts.runId);
        if (opts.wait) reporter.progress(() => `migrating VMs in ${namespace}`);
        let outcomes;
        try {
          outcomes = await migrateVms(cluster, { namespace, runId: opts.runId, workload: opts.workload, vms: vms.length ? vms : undefined, waitMs });
        } finally {
          reporter.done();
        }
        outcomes.forEach((o) => reporter.event('migration', { namespace, ...o }));
        if (outcomes.length === 0) {
          reporter.line(`no running virtwork VMs to migrate in namespace ${namespace}`);
          return APPLY_EXIT.ok;
        }
        reporter.table(['VM', 'WORKLOAD', 'ROLE', 'MIGRATION', 'OUTCOME', 'REASON'], outcomes.map((o) => [
          o.vm, o.workload, o.role, o.migration ?? '-', o.outcome, o.reason ?? '-',
        ]));
        const moved = outcomes.filter((o) => o.migration).length;
        reporter.line(`${moved}/${outcomes.length} VMs ${opts.wait ? 'migrated or tried' : 'asked to migrate'} in namespace ${namespace}`);
        const bad = outcomes.filter((o) => o.outcome === 'failed' || o.outcome === 'timeout' || (o.outcome === 'skipped' && vms.length > 0));
        return bad.length > 0 ? APPLY_EXIT.notReady : APPLY_EXIT.ok;
      }));
    });
}
