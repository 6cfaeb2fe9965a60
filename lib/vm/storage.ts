import * as kubevirt from '../../imports/kubevirt.io';
import { VirtworkError, show } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';
import { checkQuantity } from '../core/quantity';

/** PersistentVolumeClaim access modes. */
export const ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod'] as const;
/** A PersistentVolumeClaim access mode. */
export type AccessMode = (typeof ACCESS_MODES)[number];
/** PersistentVolumeClaim volume modes: a filesystem holding a disk image, or a raw block device. */
export const VOLUME_MODES = ['Filesystem', 'Block'] as const;
/** A PersistentVolumeClaim volume mode. */
export type VolumeMode = (typeof VOLUME_MODES)[number];

/**
 * Where the PVC of a DataVolume comes from. Every field left out is chosen by CDI from the storage class's
 * StorageProfile (the CDI `storage` API), so the same manifests work on any cluster.
 */
export interface StorageOptions {
  /**
   * StorageClass of the PVC.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * Access modes of the PVC; `ReadWriteMany` makes the VM live-migratable.
   * @default from the StorageProfile
   */
  readonly accessModes?: readonly AccessMode[];
  /**
   * `Filesystem` (a disk image on a filesystem) or `Block` (a raw device).
   * @default from the StorageProfile
   */
  readonly volumeMode?: VolumeMode;
}

/** A CDI DataSource: a golden image kept in the cluster, usually one of the OS images. */
export interface DataSourceRef {
  /** DataSource name, e.g. `fedora`. */
  readonly name: string;
  /**
   * DataSource namespace.
   * @default DEFAULT_DATASOURCE_NAMESPACE
   */
  readonly namespace?: string;
}

/** A root disk cloned from a DataSource into a DataVolume of its own, instead of a containerDisk. */
export interface DataSourceRootDisk extends StorageOptions {
  /** The golden image to clone. */
  readonly dataSource: DataSourceRef;
  /**
   * Size of the clone, a quantity (at least the size of the source).
   * @default the size of the source (CDI infers it)
   */
  readonly size?: string;
}

/** Where OpenShift Virtualization keeps its golden images. */
export const DEFAULT_DATASOURCE_NAMESPACE = 'openshift-virtualization-os-images';

/** Checks storage options; messages read `<where>: <path>.<field>` (e.g. `disk: dataDisk.volumeMode`). */
export function checkStorageOptions<T extends StorageOptions>(where: string, path: string, o: T): T {
  const at = `${where}: ${path}`;
  if (o.storageClass !== undefined) checkDnsSubdomain(`${at}.storageClass`, o.storageClass);
  if (o.accessModes !== undefined) {
    if (o.accessModes.length === 0) throw new VirtworkError(`${at}.accessModes must not be empty (leave it out to use the StorageProfile's)`);
    for (const mode of o.accessModes) {
      if (!(ACCESS_MODES as readonly string[]).includes(mode)) {
        throw new VirtworkError(`${at}.accessModes: unknown access mode ${show(mode)}; allowed: ${ACCESS_MODES.join(', ')}`);
      }
    }
    if (new Set(o.accessModes).size !== o.accessModes.length) {
      throw new VirtworkError(`${at}.accessModes lists a mode twice: ${show(o.accessModes)}`);
    }
  }
  if (o.volumeMode !== undefined && !(VOLUME_MODES as readonly string[]).includes(o.volumeMode)) {
    throw new VirtworkError(`${at}.volumeMode must be one of ${VOLUME_MODES.join(', ')}, got ${show(o.volumeMode)}`);
  }
  return o;
}

/** Checks a DataSource root disk; messages read `<where>: rootDisk.<field>`. */
export function checkRootDisk(where: string, d: DataSourceRootDisk): DataSourceRootDisk {
  const at = `${where}: rootDisk`;
  if (!d.dataSource || typeof d.dataSource.name !== 'string') {
    throw new VirtworkError(`${at}.dataSource.name is required (the DataSource to clone, e.g. "fedora")`);
  }
  checkDnsSubdomain(`${at}.dataSource.name`, d.dataSource.name);
  if (d.dataSource.namespace !== undefined) checkDnsLabel(`${at}.dataSource.namespace`, d.dataSource.namespace);
  if (d.size !== undefined) checkQuantity(`${at}.size`, d.size);
  return checkStorageOptions(where, 'rootDisk', d);
}

/** The CDI `storage` block of a DataVolume template: only what is set, so StorageProfiles fill in the rest. */
export function storageSpec(o: StorageOptions, size: string | undefined): kubevirt.VirtualMachineSpecDataVolumeTemplatesSpecStorage {
  return {
    accessModes: o.accessModes && [...o.accessModes],
    resources: size === undefined
      ? undefined
      : { requests: { storage: kubevirt.VirtualMachineSpecDataVolumeTemplatesSpecStorageResourcesRequests.fromString(size) } },
    storageClassName: o.storageClass,
    volumeMode: o.volumeMode,
  };
}

/** Whether storage is known to allow live migration: every PVC is explicitly `ReadWriteMany`. */
export function isShared(o: StorageOptions): boolean {
  return o.accessModes?.includes('ReadWriteMany') ?? false;
}
