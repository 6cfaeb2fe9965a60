import * as k8s from '@kubernetes/client-node';
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_ROLE, LABEL_RUN_ID, MANAGED_BY } from '../core/labels';
import { CancelledError } from './_cancelled';
import { VIRTUAL_MACHINE, VIRTUAL_MACHINE_INSTANCE } from './kinds';
import type { Cluster } from './kubeconfig';
import { listWatch } from './list-watch';
import { listAll, RequestOptions } from './requests';

/** What "ready" means: the VMI's Ready condition, or Ready and the guest agent connected. */
export type WaitFor = 'ready' | 'guest-agent';

/** A VM to wait for. */
export interface VmRef {
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly workload?: string;
  /** `virtwork/role`. */
  readonly role?: string;
}

/** How waiting ended for one VM. */
export interface VmWaitResult extends VmRef {
  readonly namespace: string;
  /** `failed`: the instance reached phase Failed; `timeout`: not ready in time. */
  readonly outcome: 'ready' | 'failed' | 'timeout';
  /** Last phase of the instance seen (`none` when no instance appeared). */
  readonly phase: string;
  /** Reason (and message) of the Ready condition, or of the VM's status, when not ready. */
  readonly reason?: string;
  /** Seconds from the start of the wait until it was seen ready. */
  readonly secondsToReady?: number;
}

/** Options of {@link waitForVms}. */
export interface WaitOptions extends RequestOptions {
  /** Namespace of the VMs. */
  readonly namespace: string;
  /** Only VMs (and instances) of this run. */
  readonly runId?: string;
  /**
   * VMs to wait for.
   * @default every virtwork VM of the namespace (and run) whose runStrategy is not Halted
   */
  readonly vms?: readonly VmRef[];
  /**
   * Readiness to wait for.
   * @default 'ready'
   */
  readonly for?: WaitFor;
  /** Overall time limit in milliseconds. */
  readonly timeoutMs: number;
  /** Hears each VM that got its outcome (ready or failed) as it happens. */
  readonly onVm?: (result: VmWaitResult, done: number, total: number) => void;
  /**
   * Clock, in milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
}

type Vmi = k8s.KubernetesObject & {
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
};

/** Whether an instance is ready: condition Ready=True, plus AgentConnected=True for `guest-agent`. */
export function isVmiReady(vmi: Vmi, waitFor: WaitFor = 'ready'): boolean {
  const condition = (type: string): boolean => (vmi.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
  return condition('Ready') && (waitFor === 'ready' || condition('AgentConnected'));
}

/** Why an instance is not ready yet, from its conditions. */
function notReadyReason(vmi: Vmi, waitFor: WaitFor): string | undefined {
  const conditions = vmi.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return [ready.reason, ready.message].filter(Boolean).join(': ') || 'Ready condition is False';
  if (waitFor === 'guest-agent' && isVmiReady(vmi, 'ready')) return 'guest agent not connected';
  return ready ? undefined : 'no Ready condition yet';
}

/**
 * Waits until every VM has a ready VirtualMachineInstance ({@link isVmiReady}), one has failed, or the time is up:
 * one list of the VMs (unless given), then one list + watch of the instances of the namespace by label selector —
 * the number of requests does not grow with the number of VMs. Returns one result per VM, in name order; throws
 * CancelledError when the command is cancelled.
 */
export async function waitForVms(cluster: Cluster, options: WaitOptions): Promise<VmWaitResult[]> {
  const now = options.now ?? Date.now;
  const started = now();
  const waitFor = options.for ?? 'ready';
  const selector: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY, ...(options.runId ? { [LABEL_RUN_ID]: options.runId } : {}) };
  const vms = options.vms ?? (await listVms(cluster, options.namespace, selector, options));
  const expected = new Map(vms.map((vm) => [vm.name, vm]));
  const results = new Map<string, VmWaitResult>();
  const instances = new Map<string, Vmi>();
  if (expected.size === 0) return [];

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, options.timeoutMs - (now() - started)));
  const signal = AbortSignal.any([stop.signal, cluster.signal]);
  const judge = (name: string): void => {
    const vm = expected.get(name);
    const vmi = instances.get(name);
    if (!vm || !vmi || results.has(name)) return;
    const phase = vmi.status?.phase ?? 'Pending';
    let result: VmWaitResult | undefined;
    if (isVmiReady(vmi, waitFor)) {
      result = { ...vm, namespace: options.namespace, outcome: 'ready', phase, secondsToReady: Math.round((now() - started) / 100) / 10 };
    } else if (phase === 'Failed') {
      result = { ...vm, namespace: options.namespace, outcome: 'failed', phase, reason: notReadyReason(vmi, waitFor) ?? 'instance failed' };
    }
    if (!result) return;
    results.set(name, result);
    options.onVm?.(result, results.size, expected.size);
    if (results.size === expected.size) stop.abort();
  };
  try {
    await listWatch<Vmi>(cluster, {
      ...options,
      ref: VIRTUAL_MACHINE_INSTANCE,
      namespace: options.namespace,
      selector,
      signal,
      onSync: (items) => {
        instances.clear();
        items.forEach((vmi) => instances.set(vmi.metadata?.name ?? '', vmi));
        expected.forEach((_, name) => judge(name));
      },
      onEvent: (type, vmi) => {
        const name = vmi.metadata?.name ?? '';
        if (type === 'DELETED') instances.delete(name);
        else instances.set(name, vmi);
        judge(name);
      },
    });
  } finally {
    clearTimeout(timer);
  }
  if (cluster.signal.aborted) throw new CancelledError();
  const pending = [...expected.values()].filter((vm) => !results.has(vm.name));
  const vmStatus = pending.some((vm) => !instances.has(vm.name)) ? await printableStatuses(cluster, options.namespace, selector, options) : new Map<string, string>();
  for (const vm of pending) {
    const vmi = instances.get(vm.name);
    results.set(vm.name, vmi
      ? { ...vm, namespace: options.namespace, outcome: 'timeout', phase: vmi.status?.phase ?? 'Pending', reason: notReadyReason(vmi, waitFor) }
      : { ...vm, namespace: options.namespace, outcome: 'timeout', phase: 'none', reason: `no VirtualMachineInstance${vmStatus.has(vm.name) ? ` (VM status: ${vmStatus.get(vm.name)})` : ''}` });
  }
  return [...results.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type Vm = k8s.KubernetesObject & { spec?: { runStrategy?: string }; status?: { printableStatus?: string } };

/** The virtwork VMs of a namespace that are meant to run (runStrategy other than Halted). */
async function listVms(cluster: Cluster, namespace: string, selector: Record<string, string>, options: RequestOptions): Promise<VmRef[]> {
  const { items } = await listAll<Vm>(cluster, VIRTUAL_MACHINE, namespace, selector, options);
  return items.filter((vm) => vm.spec?.runStrategy !== 'Halted').map((vm) => vmRefOf(vm));
}

/** A VmRef from a VM object's name and labels. */
export function vmRefOf(vm: { metadata?: { name?: string; labels?: Record<string, string> } }): VmRef {
  const labels = vm.metadata?.labels ?? {};
  return { name: vm.metadata?.name ?? '', workload: labels[LABEL_COMPONENT], role: labels[LABEL_ROLE] };
}

async function printableStatuses(cluster: Cluster, namespace: string, selector: Record<string, string>, options: RequestOptions): Promise<Map<string, string>> {
  const { items } = await listAll<Vm>(cluster, VIRTUAL_MACHINE, namespace, selector, options);
  return new Map(items.filter((vm) => vm.status?.printableStatus).map((vm) => [vm.metadata?.name ?? '', vm.status?.printableStatus ?? '']));
}
