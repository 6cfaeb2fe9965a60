import { VirtworkError, show } from './errors';
import { SecretModeOptions, checkSecretMode } from './secret-modes';
import { ARCHITECTURES, Architecture } from './vm/drift';
import { PlacementOptions, RUN_STRATEGIES, RunStrategy, checkOneOf, checkPlacement } from './vm/placement';
import { SizingOptions, resolveSizing } from './vm/sizing';
import { DataSourceRootDisk, StorageOptions, checkRootDisk, checkStorageOptions } from './vm/storage';

/**
 * The options every workload VM accepts, whether it is built directly, by a workload construct (WorkloadProps) or
 * from configuration: size, storage, placement, power and secret handling. Mutually exclusive options are rejected.
 */
export interface VmOptions extends SizingOptions, PlacementOptions {
  /**
   * containerDisk image of the root disk (mutually exclusive with `rootDisk`).
   * @default DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Root disk cloned from a CDI DataSource into a DataVolume of its own, instead of a containerDisk.
   * @default a containerDisk of `image`
   */
  readonly rootDisk?: DataSourceRootDisk;
  /**
   * Storage of the data disks (storage class, access modes, volume mode); their size is the workload's
   * `dataDiskSize`. With `volumeMode: Block` the storage workloads use the raw device, without a file system.
   * @default the StorageProfile's choices
   */
  readonly dataDisk?: StorageOptions;
  /**
   * KubeVirt run strategy: `Always`, `Halted`, `Manual` or `RerunOnFailure`.
   * @default 'Always'
   */
  readonly runStrategy?: RunStrategy;
  /**
   * Guest CPU architecture, pinned so that KubeVirt does not write its default after creation.
   * @default DEFAULT_ARCHITECTURE ('amd64')
   */
  readonly architecture?: Architecture;
  /**
   * How the cloud-init user-data reaches the cluster: a Secret in the manifests, a Secret created out of band,
   * or an ExternalSecret.
   * @default { mode: 'secret' }
   */
  readonly userDataSecret?: SecretModeOptions;
}

/** Names of the VmOptions keys, in documentation order (what a workload passes on to its VMs). */
export const VM_OPTION_KEYS = [
  'cpuCores', 'memory', 'size', 'instancetype', 'preference', 'image', 'rootDisk', 'dataDisk',
  'nodeSelector', 'tolerations', 'spread', 'evictionStrategy', 'runStrategy', 'architecture', 'userDataSecret',
] as const satisfies readonly (keyof VmOptions)[];

/**
 * Checks every option and their combinations once (a workload calls it before building VMs, so a mistake is
 * reported once, named after the workload). Returns the options unchanged.
 */
export function checkVmOptions<T extends VmOptions>(where: string, o: T): T {
  resolveSizing(where, o);
  if (o.image !== undefined) {
    if (!/^[^\s]+$/.test(o.image)) throw new VirtworkError(`${where}: image must be a container image reference, got ${show(o.image)}`);
    if (o.rootDisk !== undefined) {
      throw new VirtworkError(`${where}: image and rootDisk are mutually exclusive (a containerDisk image or a root disk cloned from a DataSource)`);
    }
  }
  if (o.rootDisk !== undefined) checkRootDisk(where, o.rootDisk);
  if (o.dataDisk !== undefined) checkStorageOptions(where, 'dataDisk', o.dataDisk);
  checkPlacement(where, o);
  if (o.runStrategy !== undefined) checkOneOf(`${where}: runStrategy`, o.runStrategy, RUN_STRATEGIES);
  if (o.architecture !== undefined) checkOneOf(`${where}: architecture`, o.architecture, ARCHITECTURES);
  if (o.userDataSecret !== undefined) checkSecretMode(where, o.userDataSecret);
  return o;
}

/** Picks the VmOptions out of a larger props object (e.g. WorkloadProps), leaving undefined keys out. */
export function pickVmOptions(props: VmOptions): VmOptions {
  const out: Record<string, unknown> = {};
  for (const key of VM_OPTION_KEYS) if (props[key] !== undefined) out[key] = props[key];
  return out as VmOptions;
}
