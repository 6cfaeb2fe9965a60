/** A kind as the API server serves it. */
export interface KindRef {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** Kind, e.g. `VirtualMachine`. */
  readonly kind: string;
}

/**
 * Namespace of every command when neither `-n`, nor the manifests or the local history, nor the kubeconfig context
 * name one: the default namespace of `virtwork synth` (`DEFAULT_NAMESPACE` of lib/vm/virtual-machine.ts, equal by test;
 * not imported so that the CLI does not load cdk8s).
 */
export const DEFAULT_CLUSTER_NAMESPACE = 'virtwork';

/** What cleanup does with the objects of a kind. */
export type CleanupAction =
  /** Deleted by label selector, in table order. */
  | 'delete'
  /** Only with `--delete-namespace`, and only when virtwork created it and nothing else is left in it. */
  | 'namespace'
  /** Never: see the entry's `note`. */
  | 'keep';

/** One kind virtwork can put in a cluster, and how each command treats it. */
export interface EmittedKind extends KindRef {
  /** Who makes its objects: synthesis (`dist/`, the GitOps files), a command, or a controller for one of ours. */
  readonly origin: string;
  /** Apply wave: lower waves are applied (all their objects) before higher ones. */
  readonly wave: number;
  /** What cleanup does with it. */
  readonly cleanup: CleanupAction;
  /** Whether `apply --prune` deletes objects of the kind that left the manifests (never owned ones). */
  readonly prune: boolean;
  /** Why the kind is kept, or what to know about it. */
  readonly note?: string;
}

/**
 * Every kind virtwork can emit or make a controller create, in cleanup order: the objects that make others first
 * (migrations, VMs; an ExternalSecret or SealedSecret before the Secret its controller would re-create), storage
 * last (DataVolumes before the PersistentVolumeClaims CDI made for them). Cleanup, prune and the apply waves derive
 * from it; test/cluster/kinds.test.ts fails when synthesis emits a kind that is missing here. A CRD kind the
 * cluster does not serve is skipped by cleanup and prune with a note.
 */
export const EMITTED_KINDS: readonly EmittedKind[] = [
  { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', origin: 'synth (migrate), virtwork-apply migrate', wave: 4, cleanup: 'delete', prune: true },
  { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', origin: 'synth', wave: 3, cleanup: 'delete', prune: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', origin: 'synth (alerting rules)', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'v1', kind: 'Service', origin: 'synth (server workloads)', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'v1', kind: 'ConfigMap', origin: 'synth (dashboards, config)', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', origin: 'synth (user-data-secret external-secret)', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', origin: 'synth (user-data-secret sealed-secret)', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'v1', kind: 'Secret', origin: 'synth, or the ExternalSecret / SealedSecret controller', wave: 1, cleanup: 'delete', prune: true },
  { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', origin: 'KubeVirt, from a VM\'s dataVolumeTemplates', wave: 2, cleanup: 'delete', prune: false },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', origin: 'CDI, for a DataVolume', wave: 1, cleanup: 'delete', prune: false },
  { apiVersion: 'v1', kind: 'Namespace', origin: 'synth', wave: 0, cleanup: 'namespace', prune: false, note: 'shared by runs' },
  {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', origin: 'synth --gitops-dir', wave: 5, cleanup: 'keep', prune: false,
    note: 'a GitOps file: it lives in Argo CD\'s namespace and deleting it lets Argo CD delete what it synced; remove it with kubectl',
  },
  {
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', origin: 'synth --gitops-dir', wave: 5, cleanup: 'keep', prune: false,
    note: 'a GitOps file, in Flux\'s namespace; remove it with kubectl',
  },
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', origin: 'synth --gitops-dir', wave: 5, cleanup: 'keep', prune: false,
    note: 'a GitOps file, in Flux\'s namespace; deleting it lets Flux prune what it applied; remove it with kubectl',
  },
];

function emitted(kind: string): EmittedKind {
  const found = EMITTED_KINDS.find((k) => k.kind === kind && k.origin.startsWith('synth'));
  if (!found) throw new Error(`kinds.ts: no emitted kind ${kind}`);
  return found;
}

/** Namespaces. */
export const NAMESPACE: KindRef = emitted('Namespace');
/** KubeVirt VirtualMachines. */
export const VIRTUAL_MACHINE: KindRef = emitted('VirtualMachine');
/** KubeVirt live migrations. */
export const VIRTUAL_MACHINE_INSTANCE_MIGRATION: KindRef = emitted('VirtualMachineInstanceMigration');
/** KubeVirt VirtualMachineInstances: the running side of a VirtualMachine (made by KubeVirt, owned by the VM). */
export const VIRTUAL_MACHINE_INSTANCE: KindRef = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance' };

/** What cleanup deletes by label selector, in this order. */
export const CLEANUP_KINDS: readonly EmittedKind[] = EMITTED_KINDS.filter((k) => k.cleanup === 'delete');

/** The kinds `apply --prune` considers even when none of them is left in the manifests. */
export const PRUNE_KINDS: readonly EmittedKind[] = EMITTED_KINDS.filter((k) => k.prune);

/** Waves of kinds virtwork does not emit but a manifest directory may hold (CRDs first, references before users). */
const OTHER_WAVES: Readonly<Record<string, number>> = { CustomResourceDefinition: 0, ServiceAccount: 1, NetworkAttachmentDefinition: 1 };

/**
 * Rank of `kind` in the apply order: the wave of {@link EMITTED_KINDS}, else of a few common kinds; unknown kinds
 * come after VirtualMachines.
 */
export function applyRank(kind: string): number {
  return EMITTED_KINDS.find((k) => k.kind === kind)?.wave ?? OTHER_WAVES[kind] ?? 4;
}

/** Plural of a kind for messages: `VirtualMachines`, `Secrets`, `Services`. */
export function plural(kind: string): string {
  return kind.endsWith('s') ? `${kind}es` : `${kind}s`;
}
