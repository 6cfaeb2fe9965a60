import { LABEL_ROLE } from '../core/labels';
import { resolveSizing } from '../vm/sizing';
import { Workload } from '../workloads/_workload';
import { CatalogSignalSpec, catalogExpectedSignals } from '../signals/catalog-signals';
import { ExpectedSignal, SIGNAL_TABLES } from '../signals/contract';
import { SIGNAL_KINDS } from '../signals/signal-kinds';

/** A VM of a run as the signals see it. */
export interface SignalVm {
  /** VM (and VMI) name: the `name` label of its KubeVirt series. */
  readonly name: string;
  /** Role of a multi-role workload. */
  readonly role?: string;
}

/** One expected signal of one workload, with the query that gives its value for each of its VMs. */
export interface WorkloadSignal extends ExpectedSignal {
  /** The VMs that must move it. */
  readonly vms: readonly string[];
  /** PromQL: one series per VM (labels `namespace`, `name`). */
  readonly query: string;
}

/** The signals of one workload of the run. */
export interface WorkloadSignals {
  /** Workload instance name (the type's name unless several instances of one type run: `cpu-light`). */
  readonly workload: string;
  /** Workload type (`app.kubernetes.io/component`), whose table gave the signals. */
  readonly type: string;
  /** Its VMs. */
  readonly vms: readonly SignalVm[];
  /** What they must move. */
  readonly signals: readonly WorkloadSignal[];
}

/** The signal contract of one run: what `check-signals`, the PrometheusRule and the dashboard are made of. */
export interface RunSignals {
  /** Run id (`virtwork/run-id`). */
  readonly runId: string;
  /** Namespace of every VM. */
  readonly namespace: string;
  /** Workloads in synthesis order. */
  readonly workloads: readonly WorkloadSignals[];
}

/** The expected signals of one workload construct: its table (built-in) or its manifest's `signals:` (catalog). */
export function expectedSignals(workload: Workload): readonly ExpectedSignal[] {
  const table = SIGNAL_TABLES[workload.workloadName];
  const catalog = (workload as { entry?: { signals?: readonly CatalogSignalSpec[] } }).entry;
  if (catalog) return catalogExpectedSignals(catalog.signals, workload.resolvedParams);
  if (!table) return [];
  const sizing = resolveSizing(workload.workloadName, workload.vmOptions);
  return table({ params: workload.resolvedParams, cpuCores: sizing.instancetype ? undefined : sizing.cpuCores });
}

/** The signal contract of a run from its workload constructs (pure: reads only their public fields). */
export function runSignals(workloads: readonly Workload[]): RunSignals {
  const first = workloads[0];
  return {
    runId: first?.runId ?? '',
    namespace: first?.namespace ?? '',
    workloads: workloads.map((w) => {
      const vms = w.vms.map((vm) => ({ name: vm.name, ...(vm.labels[LABEL_ROLE] !== undefined ? { role: vm.labels[LABEL_ROLE] } : {}) }));
      const signals = expectedSignals(w).map((s) => {
        const names = vms.filter((vm) => s.role === undefined || vm.role === s.role).map((vm) => vm.name);
        return { ...s, vms: names, query: signalQuery(s, w.namespace, names) };
      }).filter((s) => s.vms.length > 0);
      return { workload: w.instanceName, type: w.workloadName, vms, signals };
    }),
  };
}

/** The PromQL of one expected signal for `vms` of `namespace`, over its own window or `windowSeconds`. */
export function signalQuery(s: Pick<ExpectedSignal, 'kind' | 'matchers' | 'windowSeconds'>, namespace: string, vms: readonly string[], windowSeconds = s.windowSeconds): string {
  return SIGNAL_KINDS[s.kind].expr({ namespace, name: vms, ...s.matchers }, windowSeconds);
}
