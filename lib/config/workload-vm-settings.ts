import type { MergedConfig } from './merge';
import { SecretModeOptions } from '../vm/secret-modes';
import { VmOptions, VmOptionsLayer, mergeVmOptions } from '../vm/vm-options';
import { MigrationSelection } from '../vm/migration';
import type { VM_SETTINGS } from './vm-settings';
import { INSTANCETYPE_KINDS, PREFERENCE_KINDS } from '../vm/sizing';

// A workload's VM settings out of the merged configuration (the settings themselves are the table VM_SETTINGS).

type VmSettingName = keyof typeof VM_SETTINGS;
type Values = Partial<Record<string, unknown>>;

/** What the VM settings give one workload. */
export interface WorkloadVmSettings {
  /** Its VM options. */
  readonly vm: VmOptions;
  /** Readiness probe on or off. */
  readonly readinessProbe: boolean;
  /** Migrations, when asked for. */
  readonly migrate?: MigrationSelection;
}

/** Config key names of the props named in mutual-exclusion messages. */
const KEY_OF: Readonly<Record<string, string>> = { cpuCores: 'cpu-cores', rootDisk: 'root-disk-datasource' };

/**
 * The VM settings of one workload: per key flags > environment > `workloads.<name>` > top level > defaults, with
 * sizing (cpu-cores/memory, size, instancetype) and root disk (image, root-disk-datasource) each decided as a
 * whole by the highest source that gives one of them (see mergeVmOptions).
 */
export function workloadVmSettings(m: MergedConfig, workload: string): WorkloadVmSettings {
  const file = m.file;
  const entry = file?.workloads.get(workload);
  const layers: Array<{ where: string; values: Values }> = [
    { where: 'flags', values: m.flags.settings },
    { where: 'environment', values: m.env.settings },
    ...(entry ? [{ where: `${file!.path}: workloads.${workload}`, values: entry.settings }] : []),
    ...(file ? [{ where: file.path, values: file.settings }] : []),
  ];
  const first = <N extends VmSettingName>(n: N) => layers.map((l) => l.values[n]).find((v) => v !== undefined);
  const kinds = { instancetype: first('instancetypeKind') ?? INSTANCETYPE_KINDS[0], preference: first('preferenceKind') ?? PREFERENCE_KINDS[0] };
  const vmLayers: VmOptionsLayer[] = layers.map((l) => ({ where: l.where, options: optionsOf(l.values, kinds) }));
  const secret = secretOf(m.settings);
  const vm = mergeVmOptions([...vmLayers, ...(secret ? [{ where: 'defaults', options: { userDataSecret: secret } }] : [])], KEY_OF);
  return {
    vm,
    readinessProbe: (first('readinessProbe') as boolean | undefined) ?? true,
    migrate: first('migrate') as MigrationSelection | undefined,
  };
}

/** The VmOptions one source gives, from its (validated) setting values; only what it gives. */
function optionsOf(v: Values, kinds: { instancetype: unknown; preference: unknown }): VmOptions {
  const o: Record<string, unknown> = {
    cpuCores: v.cpuCores, memory: v.memory, size: v.size, image: v.image,
    instancetype: v.instancetype !== undefined ? { name: v.instancetype, kind: kinds.instancetype } : undefined,
    preference: v.preference !== undefined ? { name: v.preference, kind: kinds.preference } : undefined,
    rootDisk: compact({
      dataSource: v.rootDiskDataSource, size: v.rootDiskSize, storageClass: v.rootDiskStorageClass,
      accessModes: v.rootDiskAccessModes, volumeMode: v.rootDiskVolumeMode,
    }),
    dataDisk: compact({ storageClass: v.dataDiskStorageClass, accessModes: v.dataDiskAccessModes, volumeMode: v.dataDiskVolumeMode }),
    nodeSelector: v.nodeSelector, tolerations: v.tolerations, spread: v.spread, evictionStrategy: v.evictionStrategy,
    runStrategy: v.runStrategy, architecture: v.architecture, guestFamily: v.guestFamily,
    packagesPreinstalled: v.packagesPreinstalled,
  };
  return compact(o) ?? {};
}

/** The user-data secret options of the (global) settings. */
function secretOf(s: Values): SecretModeOptions | undefined {
  return compact({
    mode: s.userDataSecret, secretStore: s.secretStore, secretStoreKind: s.secretStoreKind, remoteKeyPrefix: s.secretRemoteKeyPrefix,
  }) as SecretModeOptions | undefined;
}

function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}
