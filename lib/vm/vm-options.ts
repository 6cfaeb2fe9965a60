import { VirtworkError, show } from '../core/errors';
import { SecretModeOptions, checkSecretMode } from './secret-modes';
import { ARCHITECTURES, Architecture } from './drift';
import { GuestFamily, checkGuestFamily } from '../guest/guest-family';
import { PlacementOptions, RUN_STRATEGIES, RunStrategy, checkOneOf, checkPlacement } from './placement';
import { SizingOptions, resolveSizing } from './sizing';
import { DataSourceRootDisk, StorageOptions, checkRootDisk, checkStorageOptions } from './storage';

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
   * The image already has every package the workloads install (a golden image, `virtwork image build`): the
   * user-data has no `packages` step, so the guest needs no package mirror and is Ready sooner.
   * @default false
   */
  readonly packagesPreinstalled?: boolean;
  /**
   * Guest OS family of the image: `fedora` (also RHEL, CentOS Stream) or `debian` (also Ubuntu). Picks package
   * names, paths and guest agent handling of the user-data (see GUEST_FAMILY_TABLE).
   * @default DEFAULT_GUEST_FAMILY ('fedora', the family of DEFAULT_IMAGE)
   */
  readonly guestFamily?: GuestFamily;
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
  'nodeSelector', 'tolerations', 'spread', 'evictionStrategy', 'runStrategy', 'architecture', 'guestFamily', 'userDataSecret',
  'packagesPreinstalled',
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
  if (o.guestFamily !== undefined) checkGuestFamily(where, o.guestFamily);
  if (o.userDataSecret !== undefined) checkSecretMode(where, o.userDataSecret);
  return o;
}

/** Picks the VmOptions out of a larger props object (e.g. WorkloadProps), leaving undefined keys out. */
export function pickVmOptions(props: VmOptions): VmOptions {
  const out: Record<string, unknown> = {};
  for (const key of VM_OPTION_KEYS) if (props[key] !== undefined) out[key] = props[key];
  return out as VmOptions;
}

/** VmOptions from one source (a flag, a variable, a file entry…), and how to name that source in messages. */
export interface VmOptionsLayer {
  /** Names the source in messages, e.g. `virtwork.yaml: workloads.cpu` or `--size`. */
  readonly where: string;
  /** The options this source gives. */
  readonly options: VmOptions;
}

/** Options that are alternatives of one another: a VM is sized one way, and boots from one kind of root disk. */
const EXCLUSIVE_GROUPS: ReadonlyArray<Readonly<Record<string, readonly (keyof VmOptions)[]>>> = [
  { 'cpuCores/memory': ['cpuCores', 'memory'], size: ['size'], instancetype: ['instancetype'] },
  { image: ['image'], rootDisk: ['rootDisk'] },
];
/** Object options merged field by field across sources. */
const MERGED_OBJECTS: readonly (keyof VmOptions)[] = ['rootDisk', 'dataDisk', 'userDataSecret'];

/**
 * Merges VmOptions from several sources, highest precedence first. Each option is taken from the first source that
 * gives it (object options field by field), except that alternatives are decided as a whole: the first source that
 * says how to size the VM (cpuCores/memory, size or instancetype) or what it boots from (image or rootDisk) decides,
 * and lower sources' other alternatives are dropped — so a workload's `size: large` is not undone by a global
 * `cpuCores`. Two alternatives in the same source are an error naming it (`keyOf` renames options in the message,
 * e.g. to configuration keys).
 */
export function mergeVmOptions(layers: readonly VmOptionsLayer[], keyOf: Readonly<Record<string, string>> = {}): VmOptions {
  const dropped = new Set<string>();
  for (const group of EXCLUSIVE_GROUPS) {
    const first = layers.find((l) => Object.values(group).flat().some((k) => l.options[k] !== undefined));
    if (!first) continue;
    const given = Object.entries(group).filter(([, keys]) => keys.some((k) => first.options[k] !== undefined)).map(([name]) => name);
    if (given.length > 1) {
      const named = given.map((g) => g.split('/').map((k) => keyOf[k] ?? k).join('/'));
      throw new VirtworkError(`${first.where}: ${named.join(' and ')} are mutually exclusive; give one`);
    }
    for (const [name, keys] of Object.entries(group)) if (name !== given[0]) keys.forEach((k) => dropped.add(k));
  }
  const out: Record<string, unknown> = {};
  for (const key of VM_OPTION_KEYS) {
    if (dropped.has(key)) continue;
    const values = layers.map((l) => l.options[key]).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    out[key] = MERGED_OBJECTS.includes(key) ? Object.assign({}, ...[...values].reverse().map(definedFields)) : values[0];
  }
  return out as VmOptions;
}

function definedFields(o: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([, v]) => v !== undefined));
}
