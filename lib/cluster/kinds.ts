/** A kind as the API server serves it. */
export interface KindRef {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** Kind, e.g. `VirtualMachine`. */
  readonly kind: string;
}

/**
 * Namespace of wait, status and cleanup when neither `-n` nor the kubeconfig context names one: the default
 * namespace of `virtwork synth` (`DEFAULT_NAMESPACE` of lib/virtual-machine.ts, equal by test; not imported so that
 * the CLI does not load cdk8s).
 */
export const DEFAULT_CLUSTER_NAMESPACE = 'virtwork';

/** Namespaces. */
export const NAMESPACE: KindRef = { apiVersion: 'v1', kind: 'Namespace' };
/** KubeVirt VirtualMachines. */
export const VIRTUAL_MACHINE: KindRef = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine' };
/** KubeVirt VirtualMachineInstances: the running side of a VirtualMachine. */
export const VIRTUAL_MACHINE_INSTANCE: KindRef = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance' };

/**
 * What cleanup deletes, in this order: VirtualMachines first (their instances and DataVolumes go with them), then
 * the objects they used, DataVolumes before the PersistentVolumeClaims CDI made for them.
 */
export const CLEANUP_KINDS: readonly KindRef[] = [
  VIRTUAL_MACHINE,
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
];

/** The kinds `virtwork synth` writes at the top level, which `apply --prune` considers even when none is left. */
export const PRUNE_KINDS: readonly KindRef[] = CLEANUP_KINDS.slice(0, 3);

/**
 * Apply waves: objects of a lower rank are applied (all of them) before any of a higher rank. Namespaces come
 * first; the things a VM refers to (Secrets, Services, config, storage) next; VirtualMachines after them; every
 * other kind (VirtualMachineInstanceMigration, …) last.
 */
const APPLY_RANK: Readonly<Record<string, number>> = {
  CustomResourceDefinition: 0,
  Namespace: 0,
  ServiceAccount: 1,
  Secret: 1,
  ConfigMap: 1,
  Service: 1,
  PersistentVolumeClaim: 1,
  NetworkAttachmentDefinition: 1,
  DataVolume: 2,
  VirtualMachine: 3,
};

/** Rank of `kind` in the apply order (see {@link APPLY_RANK}); unknown kinds come last. */
export function applyRank(kind: string): number {
  return APPLY_RANK[kind] ?? 4;
}

/** Plural of a kind for messages: `VirtualMachines`, `Secrets`, `Services`. */
export function plural(kind: string): string {
  return kind.endsWith('s') ? `${kind}es` : `${kind}s`;
}
