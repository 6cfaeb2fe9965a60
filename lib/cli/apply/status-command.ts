import { Command } from 'commander';
import { formatAge, vmStatuses } from '../../cluster/status';
import { openNamespace } from './_namespace';
import { APPLY_EXIT, ApplyContext, cancellable, checkLabelFlag, globalOptions } from './_session';

/** Options of `status`. */
export interface StatusCommandOptions {
  readonly runId?: string;
}

/** `virtwork-apply status`: a table of the VMs virtwork manages in a namespace. */
export function statusCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  return new Command('status')
    .description('Show the VMs virtwork manages in a namespace: workload, role, VM, instance phase, ready (and why not), node, age')
    .option('--run-id <id>', 'only the VMs of this run')
    .addHelpText('after', `
Examples:
  $ virtwork-apply status
  $ virtwork-apply status -n load-test --run-id perf-42
  $ virtwork-apply status --output json | jq 'select(.ready | not)'

Exit codes: 0 listed (even when empty), 1 error, 2 usage.`)
    .action(async (opts: StatusCommandOptions, command: Command) => {
      setExit(await cancellable(ctx, async () => {
        const g = globalOptions(command);
        checkLabelFlag('--run-id', opts.runId);
        const { reporter, cluster, namespace } = await openNamespace(g, ctx, opts.runId);
        const rows = await vmStatuses(cluster, { namespace, runId: opts.runId });
        rows.forEach((r) => reporter.event('vm', { namespace, ...r }));
        if (rows.length === 0) {
          reporter.line(`no virtwork VMs in namespace ${namespace}${opts.runId ? ` with run id ${opts.runId}` : ''}`);
          return APPLY_EXIT.ok;
        }
        const wide = reporter.format === 'wide';
        reporter.table([...(wide ? ['NAMESPACE'] : []), 'WORKLOAD', 'ROLE', 'VM', 'PHASE', 'READY', 'NODE', 'AGE', 'RUN ID', ...(wide ? ['AGE (S)', 'REASON'] : [])], rows.map((r) => [
          ...(wide ? [namespace] : []), r.workload, r.role, r.vm, r.phase, r.ready ? 'yes' : 'no', r.node, formatAge(r.ageSeconds), r.runId, ...(wide ? [r.ageSeconds, r.reason] : []),
        ]));
        reporter.line(`${rows.filter((r) => r.ready).length}/${rows.length} VMs ready in namespace ${namespace}`);
        const notReady = rows.filter((r) => !r.ready && r.reason !== '-');
        if (!wide) notReady.forEach((r) => reporter.line(`  ${r.vm} not ready: ${r.reason}`));
        if (rows.some((r) => !r.ready && r.phase === 'Running')) {
          reporter.line('  a running VM that is not ready: its guest says why at GET :8099/virtwork/ready (docs/troubleshooting.md, "NotReady")');
        }
        return APPLY_EXIT.ok;
      }));
    });
}
