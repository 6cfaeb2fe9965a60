import { VirtworkError, show } from '../core/errors';
import { checkDnsSubdomain } from '../core/names';
import { checkInt, checkQuantity } from '../core/quantity';

/** VM size presets: vCPUs (`domain.cpu.cores`) and memory (`resources.requests.memory`). */
export const SIZE_PRESETS = {
  small: { cpuCores: 2, memory: '4Gi' },
  medium: { cpuCores: 4, memory: '8Gi' },
  large: { cpuCores: 8, memory: '16Gi' },
} as const;
/** The name of a size preset. */
export type SizePreset = keyof typeof SIZE_PRESETS;

/** Kinds an instancetype reference may name (cluster-wide or in the VM's namespace). */
export const INSTANCETYPE_KINDS = ['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype'] as const;
/** Kinds a preference reference may name. */
export const PREFERENCE_KINDS = ['VirtualMachineClusterPreference', 'VirtualMachinePreference'] as const;

/** A reference to a KubeVirt instancetype, which then sets CPU and memory. */
export interface InstancetypeRef {
  /** Instancetype name, e.g. `u1.medium`. */
  readonly name: string;
  /**
   * `VirtualMachineClusterInstancetype` (cluster-wide) or `VirtualMachineInstancetype` (in the VM's namespace).
   * @default 'VirtualMachineClusterInstancetype'
   */
  readonly kind?: (typeof INSTANCETYPE_KINDS)[number];
}

/** A reference to a KubeVirt preference (machine type, firmware, device preferences, …). */
export interface PreferenceRef {
  /** Preference name, e.g. `fedora`. */
  readonly name: string;
  /**
   * `VirtualMachineClusterPreference` (cluster-wide) or `VirtualMachinePreference` (in the VM's namespace).
   * @default 'VirtualMachineClusterPreference'
   */
  readonly kind?: (typeof PREFERENCE_KINDS)[number];
}

/** How big a VM is: explicit cores and memory, a preset, or an instancetype (mutually exclusive ways). */
export interface SizingOptions {
  /**
   * Guest CPU cores.
   * @default 2 (unless `size` or `instancetype` is given)
   */
  readonly cpuCores?: number;
  /**
   * Guest memory, a quantity.
   * @default '2Gi' (unless `size` or `instancetype` is given)
   */
  readonly memory?: string;
  /** A size preset: `small` (2 vCPU / 4Gi), `medium` (4 / 8Gi) or `large` (8 / 16Gi). */
  readonly size?: SizePreset;
  /** An instancetype that sets CPU and memory instead. */
  readonly instancetype?: InstancetypeRef;
  /** A preference (may be combined with any of the above). */
  readonly preference?: PreferenceRef;
}

/** Resolved sizing: either resources of the VM itself, or an instancetype reference. */
export type Sizing =
  | { readonly cpuCores: number; readonly memory: string; readonly instancetype?: undefined; readonly preference?: Required<PreferenceRef> }
  | { readonly instancetype: Required<InstancetypeRef>; readonly preference?: Required<PreferenceRef> };

/** The defaults of the Go tool when nothing is said. */
export const DEFAULT_CPU_CORES = 2;
/** The default guest memory. */
export const DEFAULT_MEMORY = '2Gi';

/**
 * Resolves sizing options, rejecting combinations that contradict each other (a preset with explicit cores or
 * memory, an instancetype with anything that sets resources). `where` names the VM or workload.
 */
export function resolveSizing(where: string, o: SizingOptions): Sizing {
  const preference = o.preference && {
    name: checkDnsSubdomain(`${where}: preference.name`, o.preference.name),
    kind: checkKind(`${where}: preference.kind`, o.preference.kind ?? PREFERENCE_KINDS[0], PREFERENCE_KINDS),
  };
  const explicit = (['cpuCores', 'memory'] as const).filter((k) => o[k] !== undefined);
  if (o.instancetype !== undefined) {
    const clash = [...(o.size !== undefined ? ['size'] : []), ...explicit];
    if (clash.length > 0) {
      throw new VirtworkError(
        `${where}: instancetype ${show(o.instancetype.name)} and ${clash.join(', ')} are mutually exclusive ` +
          `(the instancetype sets CPU and memory; give one or the other)`,
      );
    }
    const instancetype = {
      name: checkDnsSubdomain(`${where}: instancetype.name`, o.instancetype.name),
      kind: checkKind(`${where}: instancetype.kind`, o.instancetype.kind ?? INSTANCETYPE_KINDS[0], INSTANCETYPE_KINDS),
    };
    return { instancetype, ...(preference ? { preference } : {}) };
  }
  if (o.size !== undefined) {
    if (!(o.size in SIZE_PRESETS)) {
      throw new VirtworkError(`${where}: size must be one of ${Object.keys(SIZE_PRESETS).join(', ')}, got ${show(o.size)}`);
    }
    if (explicit.length > 0) {
      throw new VirtworkError(
        `${where}: size ${show(o.size)} and ${explicit.join(', ')} are mutually exclusive ` +
          `(the preset sets both CPU cores and memory; give one or the other)`,
      );
    }
    return { ...SIZE_PRESETS[o.size], ...(preference ? { preference } : {}) };
  }
  return {
    cpuCores: checkInt(`${where}: cpuCores`, o.cpuCores ?? DEFAULT_CPU_CORES, 1, 512),
    memory: checkQuantity(`${where}: memory`, o.memory ?? DEFAULT_MEMORY),
    ...(preference ? { preference } : {}),
  };
}

function checkKind<K extends string>(where: string, kind: string, allowed: readonly K[]): K {
  if (!(allowed as readonly string[]).includes(kind)) throw new VirtworkError(`${where} must be one of ${allowed.join(', ')}, got ${show(kind)}`);
  return kind as K;
}
