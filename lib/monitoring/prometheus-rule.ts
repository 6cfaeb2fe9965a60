import { promDuration, promSelector } from '../signals/_promql';
import { describeMin } from '../signals/contract';
import { RunSignals, WorkloadSignal } from './run-signals';
import { SIGNAL_KINDS } from '../signals/signal-kinds';

/** How long a series must stay flat (or missing) before its alert fires: two default rate windows. */
export const ALERT_FOR_SECONDS = 600;
/** Name of the alert for a VM whose expected series is below its floor. */
export const FLAT_ALERT = 'VirtworkSignalFlat';
/** Name of the alert for a VM that exports no expected series at all. */
export const MISSING_ALERT = 'VirtworkSignalMissing';
/** Labels the recording rules add to every series (and so to every alert). */
export const SIGNAL_LABELS = { runId: 'virtwork_run_id', workload: 'virtwork_workload', signal: 'virtwork_signal', role: 'virtwork_role' } as const;

/** A Prometheus rule as in a rule file (and in a PrometheusRule's `spec.groups[].rules`). */
export interface PrometheusRuleEntry {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group. */
export interface PrometheusRuleGroup {
  readonly name: string;
  readonly rules: readonly PrometheusRuleEntry[];
}

/** The recording rule name of a signal: `virtwork:<kind>:<window>`, e.g. `virtwork:cpu_usage:5m`. */
export function recordName(s: Pick<WorkloadSignal, 'kind' | 'windowSeconds'>): string {
  return `virtwork:${s.kind.replace(/-/g, '_')}:${promDuration(s.windowSeconds)}`;
}

/** The static labels of one signal's recorded series. */
export function signalLabels(run: Pick<RunSignals, 'runId'>, workload: string, s: WorkloadSignal): Record<string, string> {
  return {
    [SIGNAL_LABELS.runId]: run.runId,
    [SIGNAL_LABELS.workload]: workload,
    [SIGNAL_LABELS.signal]: s.kind,
    ...(s.role !== undefined ? { [SIGNAL_LABELS.role]: s.role } : {}),
  };
}

/**
 * The rule groups of a run, one per workload: a recording rule per expected signal (one series per VM, labelled with
 * run id, workload, signal and role), then {@link MISSING_ALERT} (a VM exports none of the series) and, for signals
 * with a floor and no end, {@link FLAT_ALERT} (the VM's value stays below the floor). Both fire after
 * {@link ALERT_FOR_SECONDS} and carry the run id, workload, signal and VM in their labels.
 */
export function ruleGroups(run: RunSignals): PrometheusRuleGroup[] {
  return run.workloads.filter((w) => w.signals.length > 0).map((w) => ({
    name: `virtwork-${w.workload}`,
    rules: w.signals.flatMap((s) => signalRules(run, w.workload, s)),
  }));
}

function signalRules(run: RunSignals, workload: string, s: WorkloadSignal): PrometheusRuleEntry[] {
  const record = recordName(s);
  const labels = signalLabels(run, workload, s);
  const kind = SIGNAL_KINDS[s.kind];
  const forDuration = promDuration(ALERT_FOR_SECONDS);
  // the signal (and role) also as static labels: alerts of one group must differ in their labels, not only in expr
  const alertLabels = { severity: 'warning', virtwork_vm: '{{ $labels.name }}', ...labels };
  const what = `${workload} ${s.kind}${s.role !== undefined ? ` (${s.role})` : ''}`;
  const rules: PrometheusRuleEntry[] = [{ record, expr: s.query, labels }];
  rules.push({
    alert: MISSING_ALERT,
    expr: s.vms.map((vm) => `absent(${record}${promSelector({ namespace: run.namespace, name: vm, ...labels })})`).join(' or '),
    for: forDuration,
    labels: { ...alertLabels },
    annotations: {
      summary: `virtwork VM {{ $labels.name }} exports no ${what} series`,
      description: `Run ${run.runId}: KubeVirt exports no ${kind.metrics.join(' / ')} for VM {{ $labels.name }} in ${run.namespace} ` +
        `(the ${what} signal). Is the VM running, and does Prometheus scrape virt-handler?`,
    },
  });
  if (s.min !== undefined && s.activeSeconds === undefined) {
    rules.push({
      alert: FLAT_ALERT,
      expr: `${record}${promSelector(labels)} < ${String(s.min)}`,
      for: forDuration,
      labels: { ...alertLabels },
      annotations: {
        summary: `virtwork VM {{ $labels.name }}: ${what} is {{ $value | humanize }}, expected ${describeMin(s.min, kind.unit)}`,
        description: `Run ${run.runId}: the ${what} signal of VM {{ $labels.name }} stayed below its floor (${s.basis}) for ${forDuration}. ` +
          'Is the workload unit running in the guest?',
      },
    });
  }
  return rules;
}

/** The PrometheusRule object (monitoring.coreos.com/v1) of a run. */
export function prometheusRuleManifest(run: RunSignals, name: string, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name, namespace: run.namespace, labels: { ...labels } },
    spec: { groups: ruleGroups(run) },
  };
}
