import { Command, Option } from 'commander';
import type { AuditLog } from '../../audit/audit-log';
import type { Cluster } from '../../cluster/kubeconfig';
import { VmRef, VmWaitResult, WaitFor, waitForVms } from '../../cluster/wait';
import { Reporter } from './_reporter';
import { commandNamespace, reportNamespace } from './_namespace';
import { APPLY_EXIT, ApplyContext, cancellable, checkLabelFlag, connectFrom, globalOptions, parseDuration, reporterFor } from './_session';

/** `--timeout` of wait unless given. */
export const DEFAULT_WAIT_TIMEOUT = '10m';

/** Options of `wait` (also used by `apply --wait`). */
export interface WaitCommandOptions {
  readonly runId?: string;
  readonly for: WaitFor;
  readonly timeout: string;
}

/** The `--for` and `--timeout` options, shared by `wait` and `apply`. */
export function waitOptions(): Option[] {
  return [
    new Option('--for <condition>', 'ready: the VMI condition Ready is True; guest-agent: also AgentConnected').choices(['ready', 'guest-agent']).default('ready'),
    new Option('--timeout <duration>', 'give up waiting after this long (90s, 10m, 1h)').default(DEFAULT_WAIT_TIMEOUT),
  ];
}

/** `virtwork-apply wait`: waits until the VMs virtwork manages in the namespace are ready. */
export function waitCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  const cmd = new Command('wait')
    .description('Wait until the virtwork VMs of a namespace (optionally of one run) have a Ready VirtualMachineInstance')
    .option('--run-id <id>', 'only the VMs of this run');
  waitOptions().forEach((o) => cmd.addOption(o));
  return cmd
    .addHelpText('after', `
One list + watch of the VirtualMachineInstances of the namespace (by label), however many VMs there are.

Examples:
  $ virtwork-apply wait                                   # every virtwork VM in namespace virtwork
  $ virtwork-apply wait -n load --run-id run-20260701-0930-ab12 --timeout 15m
  $ virtwork-apply wait --for guest-agent --output json

Exit codes: 0 all ready, 1 error, 2 usage, 3 a VM failed or timed out, 130 interrupted.`)
    .action(async (opts: WaitCommandOptions, command: Command) => {
      setExit(await cancellable(ctx, async () => {
        const g = globalOptions(command);
        const reporter = reporterFor(g.output, ctx);
        const cluster = connectFrom(g, ctx, reporter);
        checkLabelFlag('--run-id', opts.runId);
        const choice = await commandNamespace(g, cluster, ctx, opts.runId);
        reportNamespace(reporter, choice);
        const results = await waitAndReport(cluster, reporter, { namespace: choice.namespace, runId: opts.runId, for: opts.for, timeoutMs: parseDuration('--timeout', opts.timeout) });
        return results.every((r) => r.outcome === 'ready') ? APPLY_EXIT.ok : APPLY_EXIT.notReady;
      }));
    });
}

/** Waits (with progress, events and a summary table) and records each VM in the audit when given. */
export async function waitAndReport(
  cluster: Cluster,
  reporter: Reporter,
  options: { namespace: string; runId?: string; vms?: readonly VmRef[]; for: WaitFor; timeoutMs: number },
  audit?: { log: AuditLog; row: number },
): Promise<VmWaitResult[]> {
  let ready = 0;
  let total = options.vms?.length;
  reporter.event('wait-started', { namespace: options.namespace, runId: options.runId, for: options.for, timeoutSeconds: options.timeoutMs / 1000 });
  reporter.progress(() => `waiting for VMs in ${options.namespace}: ${ready}/${total ?? '?'} ready`);
  let results: VmWaitResult[];
  try {
    results = await waitForVms(cluster, {
      ...options,
      onVm: (r, _done, all) => {
        total = all;
        if (r.outcome === 'ready') ready++;
        reporter.event('vm', { ...r });
        reporter.update();
      },
    });
  } finally {
    reporter.done();
  }
  for (const r of results) {
    if (r.outcome === 'timeout') reporter.event('vm', { ...r });
    audit?.log.recordVm(audit.row, { name: r.name, workload: r.workload, role: r.role, ready: r.outcome === 'ready', secondsToReady: r.secondsToReady, phase: r.phase, reason: r.reason });
  }
  const notReady = results.filter((r) => r.outcome !== 'ready');
  reporter.table(['VM', 'WORKLOAD', 'ROLE', 'OUTCOME', 'PHASE', 'TIME TO READY', 'REASON'], results.map((r) => [
    r.name, r.workload ?? '-', r.role ?? '-', r.outcome, r.phase, r.secondsToReady !== undefined ? `${r.secondsToReady}s` : '-', r.reason ?? '-',
  ]));
  reporter.event('wait-finished', { namespace: options.namespace, ready: results.length - notReady.length, total: results.length });
  if (results.length === 0) reporter.line(`no virtwork VMs to wait for in namespace ${options.namespace}`);
  else reporter.line(`${results.length - notReady.length}/${results.length} VMs ready in ${reporter.elapsed().toFixed(1)}s`);
  for (const r of notReady) reporter.warn(`VM ${r.namespace}/${r.name} ${r.outcome === 'failed' ? 'failed' : 'not ready in time'}: phase ${r.phase}${r.reason ? `, ${r.reason}` : ''}`);
  return results;
}
