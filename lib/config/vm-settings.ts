import { z } from 'zod';
import { Kind, boolKind, listKind, oneOfKind, quantityKind, setting, textKind } from './setting';
import { VirtworkError, show } from '../core/errors';
import { checkLabelValue } from '../core/names';
import { SECRET_MODES, SECRET_STORE_KINDS } from '../vm/secret-modes';
import { ARCHITECTURES } from '../vm/drift';
import { DEFAULT_GUEST_FAMILY, GUEST_FAMILIES } from '../guest/guest-family';
import { MigrationSelection } from '../vm/migration';
import { EVICTION_STRATEGIES, RUN_STRATEGIES, SPREAD_MODES, Toleration, checkLabelKey, checkPlacement } from '../vm/placement';
import { INSTANCETYPE_KINDS, PREFERENCE_KINDS, SIZE_PRESETS } from '../vm/sizing';
import { ACCESS_MODES, DataSourceRef, VOLUME_MODES } from '../vm/storage';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SUBDOMAIN_ALLOWED = 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")';

/** A kind whose value `parse` checks and converts (throwing a VirtworkError that says what is wrong). */
function parsedKind<T>(type: string, allowed: string, parse: (raw: unknown) => T, split?: boolean): Kind<T> {
  return {
    type,
    allowed,
    schema: z.unknown().transform((raw, ctx) => {
      try {
        return parse(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }) as unknown as z.ZodType<T>,
    fromText: (text) => (split ? text.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : text),
    explain: (value) => {
      try {
        parse(value);
        return undefined;
      } catch (err) {
        return err instanceof VirtworkError ? err.message : undefined;
      }
    },
  };
}

/** `[namespace/]name` of a DataSource. */
const dataSourceKind = parsedKind<DataSourceRef>('datasource', 'a DataSource as name or namespace/name, e.g. openshift-virtualization-os-images/fedora', (raw) => {
  const m = typeof raw === 'string' ? /^(?:([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/)?([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/.exec(raw) : null;
  if (!m) throw new VirtworkError(`must be a DataSource as name or namespace/name (DNS names), e.g. openshift-virtualization-os-images/fedora, got ${show(raw)}`);
  return m[1] ? { namespace: m[1], name: m[3] } : { name: m[3] };
});

/** Node labels: a mapping in the file, `key=value,…` as text. */
const nodeSelectorKind = parsedKind<Record<string, string>>('map', 'node labels: a mapping, or key=value pairs separated by commas', (raw) => {
  const entries = typeof raw === 'string'
    ? raw.split(',').map((p) => p.trim()).filter((p) => p).map((p) => (p.includes('=') ? [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] : [p, undefined]))
    : raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : undefined;
  if (!entries || entries.length === 0) throw new VirtworkError(`must be node labels: a mapping, or key=value pairs separated by commas, got ${show(raw)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new VirtworkError(`label ${show(k)} needs a value (key=value), got ${show(v)}`);
    out[checkLabelKey('label key', String(k))] = checkLabelValue(`label ${show(k)}: value`, String(v));
  }
  return out;
});

/** Tolerations: Pod-style objects in the file, or `key[=value][:effect]` (kubectl taint syntax) items. */
const tolerationsKind = parsedKind<Toleration[]>('list of tolerations', 'tolerations: objects like a Pod\'s, or key[=value][:effect] items separated by commas', (raw) => {
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s) : raw;
  if (!Array.isArray(items) || items.length === 0) throw new VirtworkError(`must be a list of tolerations (objects, or key[=value][:effect] items), got ${show(raw)}`);
  const tolerations = items.map((item): Toleration => {
    if (typeof item !== 'string') return tolerationObject(item);
    const m = /^([^=:]+)(?:=([^:]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(item);
    if (!m) throw new VirtworkError(`${show(item)} is not key[=value][:effect] (effect NoSchedule, PreferNoSchedule or NoExecute)`);
    return { key: m[1], ...(m[2] !== undefined ? { operator: 'Equal', value: m[2] } : { operator: 'Exists' }), ...(m[3] ? { effect: m[3] as Toleration['effect'] } : {}) };
  });
  checkPlacement('tolerations', { tolerations });
  return tolerations;
}, true);

const TOLERATION_FIELDS: Readonly<Record<string, 'string' | 'number'>> = { key: 'string', operator: 'string', value: 'string', effect: 'string', tolerationSeconds: 'number' };

/** A toleration written as an object: only a Pod toleration's fields, each of its type. */
function tolerationObject(item: unknown): Toleration {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new VirtworkError(`a toleration must be an object or key[=value][:effect], got ${show(item)}`);
  for (const [field, value] of Object.entries(item)) {
    const type = TOLERATION_FIELDS[field];
    if (type === undefined) throw new VirtworkError(`unknown toleration field ${show(field)}; known fields: ${Object.keys(TOLERATION_FIELDS).join(', ')}`);
    if (typeof value !== type) throw new VirtworkError(`toleration field ${field} must be a ${type}, got ${show(value)}`);
  }
  return item as Toleration;
}

/** `all`, or VM indices. */
const migrateKind = parsedKind<MigrationSelection>('migration', '"all", or a list of VM indices like 0,2', (raw) => {
  if (raw === 'all') return 'all';
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : typeof raw === 'number' ? [raw] : raw;
  const ok = Array.isArray(items) && items.length > 0 && items.every((i) => /^\d{1,4}$/.test(String(i)));
  if (!ok) throw new VirtworkError(`must be "all" or a list of VM indices like 0,2, got ${show(raw)}`);
  return (items as unknown[]).map(Number);
});

const accessModesKind = () => listKind(oneOfKind(ACCESS_MODES), { allowed: `a list of access modes (${ACCESS_MODES.join(', ')})`, envSeparator: 'comma', flagSeparator: 'comma' });
const name = (type: string) => textKind({ pattern: SUBDOMAIN, allowed: SUBDOMAIN_ALLOWED, type });

/**
 * The VM option settings of `virtwork.yaml` (and their VIRTWORK_* variables and `virtwork synth` flags), spread into
 * the configuration's SETTINGS table. All but the user-data secret settings may also be given per workload.
 */
export const VM_SETTINGS = {
  size: setting(oneOfKind(Object.keys(SIZE_PRESETS) as (keyof typeof SIZE_PRESETS)[]), {
    key: 'size', env: 'VIRTWORK_SIZE', flag: '--size <preset>', perWorkload: true,
    description: 'VM size preset: small (2 vCPU / 4Gi), medium (4 / 8Gi), large (8 / 16Gi); instead of cpu-cores and memory.',
  }),
  instancetype: setting(name('name'), {
    key: 'instancetype', env: 'VIRTWORK_INSTANCETYPE', flag: '--instancetype <name>', perWorkload: true,
    description: 'KubeVirt instancetype (e.g. u1.medium) that sizes the VMs instead of cpu-cores / memory / size.',
  }),
  instancetypeKind: setting(oneOfKind(INSTANCETYPE_KINDS), {
    key: 'instancetype-kind', env: 'VIRTWORK_INSTANCETYPE_KIND', flag: '--instancetype-kind <kind>', default: INSTANCETYPE_KINDS[0], perWorkload: true,
    description: 'Kind of the instancetype: cluster-wide, or VirtualMachineInstancetype in the namespace.',
  }),
  preference: setting(name('name'), {
    key: 'preference', env: 'VIRTWORK_PREFERENCE', flag: '--preference <name>', perWorkload: true,
    description: 'KubeVirt preference (e.g. fedora) for machine type, firmware and device defaults.',
  }),
  preferenceKind: setting(oneOfKind(PREFERENCE_KINDS), {
    key: 'preference-kind', env: 'VIRTWORK_PREFERENCE_KIND', flag: '--preference-kind <kind>', default: PREFERENCE_KINDS[0], perWorkload: true,
    description: 'Kind of the preference: cluster-wide, or VirtualMachinePreference in the namespace.',
  }),
  rootDiskDataSource: setting(dataSourceKind, {
    key: 'root-disk-datasource', env: 'VIRTWORK_ROOT_DISK_DATASOURCE', flag: '--root-disk-datasource <[namespace/]name>', perWorkload: true,
    defaultDoc: 'none: a containerDisk of `image`',
    description: 'Boot from a clone of this CDI DataSource (default namespace openshift-virtualization-os-images) instead of the containerDisk image.',
  }),
  rootDiskSize: setting(quantityKind(), {
    key: 'root-disk-size', env: 'VIRTWORK_ROOT_DISK_SIZE', flag: '--root-disk-size <quantity>', perWorkload: true, defaultDoc: 'the size of the DataSource',
    description: 'Size of the cloned root disk.',
  }),
  rootDiskStorageClass: setting(name('storage class'), {
    key: 'root-disk-storage-class', env: 'VIRTWORK_ROOT_DISK_STORAGE_CLASS', flag: '--root-disk-storage-class <name>', perWorkload: true, defaultDoc: 'the default StorageClass',
    description: 'StorageClass of the cloned root disk.',
  }),
  rootDiskAccessModes: setting(accessModesKind(), {
    key: 'root-disk-access-modes', env: 'VIRTWORK_ROOT_DISK_ACCESS_MODES', flag: '--root-disk-access-modes <modes>', perWorkload: true, defaultDoc: "the StorageProfile's",
    description: 'Access modes of the cloned root disk (ReadWriteMany lets the VM live-migrate).',
  }),
  rootDiskVolumeMode: setting(oneOfKind(VOLUME_MODES), {
    key: 'root-disk-volume-mode', env: 'VIRTWORK_ROOT_DISK_VOLUME_MODE', flag: '--root-disk-volume-mode <mode>', perWorkload: true, defaultDoc: "the StorageProfile's",
    description: 'Volume mode of the cloned root disk: Filesystem or Block.',
  }),
  dataDiskStorageClass: setting(name('storage class'), {
    key: 'data-disk-storage-class', aliases: ['storage-class'], env: 'VIRTWORK_DATA_DISK_STORAGE_CLASS', flag: '--data-disk-storage-class <name>',
    perWorkload: true, defaultDoc: 'the default StorageClass',
    description: 'StorageClass of the data disks of the storage workloads (disk, database, chaos-disk, storage-bench).',
  }),
  dataDiskAccessModes: setting(accessModesKind(), {
    key: 'data-disk-access-modes', env: 'VIRTWORK_DATA_DISK_ACCESS_MODES', flag: '--data-disk-access-modes <modes>', perWorkload: true,
    defaultDoc: "the StorageProfile's",
    description: 'Access modes of the data disks (ReadWriteMany lets the VMs live-migrate).',
  }),
  dataDiskVolumeMode: setting(oneOfKind(VOLUME_MODES), {
    key: 'data-disk-volume-mode', env: 'VIRTWORK_DATA_DISK_VOLUME_MODE', flag: '--data-disk-volume-mode <mode>', perWorkload: true,
    defaultDoc: "the StorageProfile's",
    description: 'Volume mode of the data disks: Filesystem (formatted, mounted) or Block (used raw by fio and chaos-disk).',
  }),
  nodeSelector: setting(nodeSelectorKind, {
    key: 'node-selector', env: 'VIRTWORK_NODE_SELECTOR', flag: '--node-selector <key=value,...>', perWorkload: true,
    description: 'Node labels the VMs must run on.',
  }),
  tolerations: setting(tolerationsKind, {
    key: 'tolerations', env: 'VIRTWORK_TOLERATIONS', flag: '--tolerations <key[=value][:effect],...>', perWorkload: true,
    description: 'Node taints the VMs tolerate: Pod-style objects in the file, key[=value][:effect] items as text.',
  }),
  spread: setting(oneOfKind(SPREAD_MODES), {
    key: 'spread', env: 'VIRTWORK_SPREAD', flag: '--spread <mode>', default: 'none', perWorkload: true,
    description: 'Spread the VMs of a workload over nodes: none, preferred (best effort) or required (one per node).',
  }),
  evictionStrategy: setting(oneOfKind(EVICTION_STRATEGIES), {
    key: 'eviction-strategy', env: 'VIRTWORK_EVICTION_STRATEGY', flag: '--eviction-strategy <strategy>', perWorkload: true,
    defaultDoc: 'LiveMigrate when every PVC is ReadWriteMany (or there is none), else LiveMigrateIfPossible',
    description: 'What a node drain does to the VMs.',
  }),
  runStrategy: setting(oneOfKind(RUN_STRATEGIES), {
    key: 'run-strategy', env: 'VIRTWORK_RUN_STRATEGY', flag: '--run-strategy <strategy>', default: 'Always', perWorkload: true,
    description: 'KubeVirt run strategy: Always, Halted, Manual or RerunOnFailure.',
  }),
  architecture: setting(oneOfKind(ARCHITECTURES), {
    key: 'architecture', env: 'VIRTWORK_ARCHITECTURE', flag: '--architecture <arch>', default: 'amd64', perWorkload: true,
    description: 'Guest CPU architecture, pinned in the manifests so that KubeVirt does not add it after creation.',
  }),
  guestFamily: setting(oneOfKind(GUEST_FAMILIES), {
    key: 'guest-family', env: 'VIRTWORK_GUEST_FAMILY', flag: '--guest-family <family>', default: DEFAULT_GUEST_FAMILY, perWorkload: true,
    description: 'Guest OS family of the image: fedora (also RHEL, CentOS Stream) or debian (also Ubuntu); picks package names and paths.',
  }),
  readinessProbe: setting(boolKind(), {
    key: 'readiness-probe', env: 'VIRTWORK_READINESS_PROBE', flag: '--readiness-probe <true|false>', default: true, perWorkload: true,
    description: 'Readiness probe (HTTP, answered by the guest\'s health responder): the VMI is Ready only while the workload\'s load flows (heartbeats fresh, servers listening).',
  }),
  packagesPreinstalled: setting(boolKind(), {
    key: 'packages-preinstalled', env: 'VIRTWORK_PACKAGES_PREINSTALLED', flag: '--packages-preinstalled <true|false>', default: false, perWorkload: true,
    description: 'The image has the workloads\' packages already (a golden image from `virtwork image build`): the user-data skips the package step.',
  }),
  migrate: setting(migrateKind, {
    key: 'migrate', env: 'VIRTWORK_MIGRATE', flag: '--migrate <all|indices>', perWorkload: true, defaultDoc: 'none',
    description: 'Live-migrate these VMs once running: a VirtualMachineInstanceMigration (Argo CD PostSync hook, created once by Flux).',
  }),
  userDataSecret: setting(oneOfKind(SECRET_MODES), {
    key: 'user-data-secret', env: 'VIRTWORK_USER_DATA_SECRET', flag: '--user-data-secret <mode>', default: 'secret',
    description: 'Where the cloud-init user-data goes: secret (a Secret in dist/), reference (created out of band, see --secrets-out), external-secret or sealed-secret.',
  }),
  secretStore: setting(name('name'), {
    key: 'secret-store', env: 'VIRTWORK_SECRET_STORE', flag: '--secret-store <name>',
    description: 'With user-data-secret external-secret: the SecretStore / ClusterSecretStore to read from.',
  }),
  secretStoreKind: setting(oneOfKind(SECRET_STORE_KINDS), {
    key: 'secret-store-kind', env: 'VIRTWORK_SECRET_STORE_KIND', flag: '--secret-store-kind <kind>', defaultDoc: '`ClusterSecretStore`',
    description: 'With user-data-secret external-secret: kind of the store.',
  }),
  secretRemoteKeyPrefix: setting(textKind({ pattern: /^[A-Za-z0-9_./-]{0,200}$/, allowed: "letters, digits, '_', '.', '/', '-'" }), {
    key: 'secret-remote-key-prefix', env: 'VIRTWORK_SECRET_REMOTE_KEY_PREFIX', flag: '--secret-remote-key-prefix <prefix>', defaultDoc: '`virtwork/`',
    description: 'With user-data-secret external-secret: the remote key of a VM is <prefix><vm>-cloudinit, property userdata.',
  }),
} as const;
