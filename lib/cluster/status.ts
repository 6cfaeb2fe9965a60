import * as k8s from '@kubernetes/client-node';
import { LABEL_COMPONENT, LABEL_ROLE, LABEL_RUN_ID } from '../core/labels';
import { cleanupSelector } from './cleanup';
import { VIRTUAL_MACHINE, VIRTUAL_MACHINE_INSTANCE } from './kinds';
import type { Cluster } from './kubeconfig';
import { listAll, RequestOptions } from './requests';
import { isVmiReady } from './wait';

/** One VM virtwork manages, and how its instance is doing. */
export interface VmStatus {
  readonly workload: string;
  /** `virtwork/role`, or `-` for single-role workloads. */
  readonly role: string;
  readonly vm: string;
  readonly runId: string;
  /** Phase of the VirtualMachineInstance, or `none` without one. */
  readonly phase: string;
  /** The instance's Ready condition is True. */
  readonly ready: boolean;
  /**
   * Why it is not ready: the Ready condition's reason and message (`-` when ready or when the instance says
   * nothing). The guest's own reasons (which heartbeat is stale) are in its health responder: docs/troubleshooting.md.
   */
  readonly reason: string;
  /** Node the instance runs on, or `-`. */
  readonly node: string;
  /** Seconds since the VM was created. */
  readonly ageSeconds: number;
}

/** Options of {@link vmStatuses}. */
export interface StatusOptions extends RequestOptions {
  readonly namespace: string;
  /** Only this run's VMs. */
  readonly runId?: string;
  /**
   * Clock, in milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
}

type Vmi = k8s.KubernetesObject & { status?: { phase?: string; nodeName?: string; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> } };

/** The VMs virtwork manages in a namespace (one list of VMs, one of instances), sorted by workload, role and name. */
export async function vmStatuses(cluster: Cluster, options: StatusOptions): Promise<VmStatus[]> {
  const selector = cleanupSelector(options.runId);
  const now = (options.now ?? Date.now)();
  const [vms, vmis] = await Promise.all([
    listAll(cluster, VIRTUAL_MACHINE, options.namespace, selector, options),
    listAll<Vmi>(cluster, VIRTUAL_MACHINE_INSTANCE, options.namespace, selector, options),
  ]);
  const instances = new Map(vmis.items.map((vmi) => [vmi.metadata?.name ?? '', vmi]));
  const rows = vms.items.map((vm): VmStatus => {
    const labels = vm.metadata?.labels ?? {};
    const vmi = instances.get(vm.metadata?.name ?? '');
    const created = vm.metadata?.creationTimestamp ? new Date(vm.metadata.creationTimestamp).getTime() : now;
    return {
      workload: labels[LABEL_COMPONENT] ?? '-',
      role: labels[LABEL_ROLE] ?? '-',
      vm: vm.metadata?.name ?? '',
      runId: labels[LABEL_RUN_ID] ?? '-',
      phase: vmi?.status?.phase ?? 'none',
      ready: vmi ? isVmiReady(vmi) : false,
      reason: vmi ? notReadyReason(vmi) : 'no VirtualMachineInstance',
      node: vmi?.status?.nodeName ?? '-',
      ageSeconds: Math.max(0, Math.floor((now - created) / 1000)),
    };
  });
  const key = (r: VmStatus): string => `${r.workload}\u0000${r.role}\u0000${r.vm}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The Ready condition's `reason: message` of an instance that is not ready, else `-`. */
function notReadyReason(vmi: Vmi): string {
  if (isVmiReady(vmi)) return '-';
  const c = vmi.status?.conditions?.find((x) => x.type === 'Ready');
  const text = [c?.reason, c?.message].filter((x) => x && x.trim()).join(': ');
  return text || '-';
}

/** `45s`, `12m`, `3h`, `2d`: an age as kubectl shows it. */
export function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 2 * 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
