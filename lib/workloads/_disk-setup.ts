import { WriteFile } from '../guest/cloud-init';
import { VirtworkError, show } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { checkQuantity } from '../core/quantity';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { DataDisk } from '../vm/virtual-machine';
import { shellQuote } from '../guest/_shell';
import { UnitFile } from './_workload';

/** Seconds the setup waits for the data disk to show up under `/dev/disk/by-id`. */
export const DISK_WAIT_SECONDS = 60;

const SERIAL = /^[A-Za-z0-9_-]{1,20}$/;
const MOUNT = /^(\/[A-Za-z0-9_.-]+)+$/;
/** Directories a data disk must never be mounted on (or under, for the virtual file systems). */
const SYSTEM_DIRS = ['/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin',
  '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/log', '/var/tmp'];
const NEVER_UNDER = ['/boot', '/dev', '/proc', '/run', '/sys'];

/** How the guest uses a data disk: formatted and mounted, or as a raw block device. */
export type DiskUse = 'Filesystem' | 'Block';

/** What {@link dataDiskSetup} adds to a role: a setup script, the oneshot unit that runs it on every boot, and commands. */
export interface DiskSetup {
  /** Packages the setup script calls (xfsprogs for mkfs.xfs; blkid, mountpoint and mount are util-linux). */
  readonly packages: string[];
  /** The setup script (`/usr/local/bin/virtwork-disk-setup-<id>.sh`). */
  readonly files: WriteFile[];
  /** The oneshot unit running the script on every boot (list it before the workload units). */
  readonly units: UnitFile[];
  /** runcmd entries before `daemon-reload` (none: the unit does the work, on first boot and after). */
  readonly setup: string[][];
  /** Name of the setup unit: workload units add it to their `Requires=` and `After=`. */
  readonly unitName: string;
  /** The stable device path the guest sees: `/dev/disk/by-id/virtio-<serial>`. */
  readonly device: string;
}

/**
 * Guest-side setup of a data disk found by its virtio serial. `Filesystem`: wait for
 * `/dev/disk/by-id/virtio-<serial>`, create an XFS file system only when the disk is blank (never over existing
 * data or a partition table), record it in `/etc/fstab` by that by-id path (`nofail`), mount it and restore its
 * SELinux label. `Block`: only wait for the device (the workload uses it raw). Run by a oneshot unit
 * (`virtwork-disk-setup-<id>.service`) on every boot, so it is idempotent and ordered before the workload units.
 */
export function dataDiskSetup(o: { id: string; serial: string; mount: string; volumeMode?: DiskUse }): DiskSetup {
  const id = checkDnsLabel('data disk setup id', o.id, 40);
  const serial = checkSerial(`data disk ${show(id)}`, o.serial);
  const mode = o.volumeMode ?? 'Filesystem';
  if (mode !== 'Filesystem' && mode !== 'Block') {
    throw new VirtworkError(`data disk ${show(id)}: volumeMode must be Filesystem or Block, got ${show(mode)}`);
  }
  const mount = mode === 'Filesystem' ? checkMountPoint(`data disk ${show(id)}: mount`, o.mount) : o.mount;
  const device = `/dev/disk/by-id/virtio-${serial}`;
  const script = `/usr/local/bin/virtwork-disk-setup-${id}.sh`;
  const unitName = `virtwork-disk-setup-${id}.service`;
  const content = mode === 'Filesystem' ? filesystemScript(device, mount) : blockScript(device);
  const unit = renderUnit({
    description: mode === 'Filesystem' ? `Virtwork data disk ${serial} at ${mount}` : `Virtwork data disk ${serial} (block)`,
    after: ['local-fs.target'],
    service: [
      ['Type', 'oneshot'],
      ['RemainAfterExit', 'yes'],
      ['ExecStart', execLine([script])],
      ['TimeoutStartSec', '15min'],
    ],
  });
  return {
    packages: mode === 'Filesystem' ? ['xfsprogs', 'util-linux'] : ['util-linux'],
    files: [{ path: script, content, permissions: '0755' }],
    units: [{ name: unitName, content: unit }],
    setup: [],
    unitName,
    device,
  };
}

/**
 * Room XFS takes for itself on a data disk: measured with mkfs.xfs 6.1 defaults (Debian 12) on 1 to 100 GiB, free
 * space was the size less 96 MiB (log, AG headers) less 0.70 % (metadata reserves); this keeps 128 MiB + 1 %, so
 * newer mkfs defaults with a little more metadata still fit. test/workloads/disk-setup.test.ts re-measures it.
 */
export const XFS_FIXED_OVERHEAD_BYTES = 128 * 1024 ** 2;
/** The share of the disk XFS keeps besides the fixed part (see XFS_FIXED_OVERHEAD_BYTES). */
export const XFS_OVERHEAD_FRACTION = 0.01;

/** Bytes a workload may write to the XFS file system on a data disk of `diskBytes` (never negative). */
export function filesystemUsableBytes(diskBytes: number): number {
  return Math.max(0, Math.floor(diskBytes * (1 - XFS_OVERHEAD_FRACTION) - XFS_FIXED_OVERHEAD_BYTES));
}

/** Declares the data disk of a workload VM (disk and volume `datadisk` unless named). */
export function dataDisk(o: { name?: string; dataVolumeBase: string; serial: string; size: string }): DataDisk {
  const name = checkDnsLabel('data disk name', o.name ?? 'datadisk');
  return {
    name,
    dataVolumeBase: checkDnsLabel(`data disk ${show(name)}: dataVolumeBase`, o.dataVolumeBase),
    serial: checkSerial(`data disk ${show(name)}`, o.serial),
    size: checkQuantity(`data disk ${show(name)}: size`, o.size),
  };
}

/** Checks a mount point: an absolute path of plain segments, not a system directory. */
export function checkMountPoint(what: string, mount: string): string {
  const segments = mount.split('/').slice(1);
  if (!MOUNT.test(mount) || mount.length > 200 || segments.some((s) => s === '.' || s === '..')) {
    throw new VirtworkError(
      `${what} must be an absolute path of letters, digits, '.', '_' and '-' segments (no '.' or '..'), got ${show(mount)}`,
    );
  }
  if (SYSTEM_DIRS.includes(mount) || NEVER_UNDER.some((d) => mount.startsWith(`${d}/`))) {
    throw new VirtworkError(`${what} must not be a system directory, got ${show(mount)} (use e.g. /mnt/data)`);
  }
  return mount;
}

function checkSerial(what: string, serial: string): string {
  if (!SERIAL.test(serial)) throw new VirtworkError(`${what}: serial must be 1 to 20 letters, digits, '-' or '_', got ${show(serial)}`);
  return serial;
}

function waitForDisk(device: string): string[] {
  return [
    `DISK=${shellQuote(device)}`,
    '',
    `for _ in $(seq 1 ${DISK_WAIT_SECONDS}); do`,
    '  [ -b "$DISK" ] && break',
    '  sleep 1',
    'done',
    'if [ ! -b "$DISK" ]; then',
    `  echo "ERROR: disk $DISK not found after ${DISK_WAIT_SECONDS}s" >&2`,
    '  exit 1',
    'fi',
  ];
}

function blockScript(device: string): string {
  return [
    '#!/bin/bash',
    '# virtwork: wait for a raw data disk (runs on every boot).',
    'set -euo pipefail',
    ...waitForDisk(device),
    'echo "data disk $DISK is $(readlink -f "$DISK")"',
    '',
  ].join('\n');
}

function filesystemScript(device: string, mount: string): string {
  return [
    '#!/bin/bash',
    '# virtwork: format (only when blank), mount and persist a data disk (runs on every boot).',
    'set -euo pipefail',
    ...waitForDisk(device),
    `MOUNT_POINT=${shellQuote(mount)}`,
    '',
    '# blkid -p exits 2 when it finds no signature at all: only then is the disk blank.',
    'rc=0',
    'blkid -p "$DISK" >/dev/null 2>&1 || rc=$?',
    'if [ "$rc" -eq 2 ]; then',
    '  echo "formatting blank disk $DISK as xfs"',
    '  mkfs.xfs -q "$DISK"',
    'elif [ "$rc" -ne 0 ]; then',
    '  echo "ERROR: cannot probe $DISK (blkid exit $rc)" >&2',
    '  exit 1',
    'fi',
    'FSTYPE=$(blkid -p -o value -s TYPE "$DISK" || true)',
    'if [ -z "$FSTYPE" ]; then',
    '  echo "ERROR: $DISK holds data but no file system (partition table?); refusing to format it" >&2',
    '  exit 1',
    'fi',
    '',
    'mkdir -p "$MOUNT_POINT"',
    '# fstab names the disk by its stable by-id path; any older entry for the mount point is replaced.',
    'ENTRY="$DISK $MOUNT_POINT $FSTYPE defaults,nofail 0 2"',
    'if ! grep -qxF "$ENTRY" /etc/fstab; then',
    '  awk -v m="$MOUNT_POINT" \'$1 ~ /^#/ || $2 != m\' /etc/fstab > /etc/fstab.virtwork',
    '  echo "$ENTRY" >> /etc/fstab.virtwork',
    '  chmod 0644 /etc/fstab.virtwork',
    '  mv /etc/fstab.virtwork /etc/fstab',
    'fi',
    'if ! mountpoint -q "$MOUNT_POINT"; then',
    '  mount "$DISK" "$MOUNT_POINT"',
    'fi',
    'if command -v restorecon >/dev/null 2>&1; then',
    '  restorecon "$MOUNT_POINT"',
    'fi',
    'echo "data disk $DISK ($FSTYPE) mounted at $MOUNT_POINT"',
    '',
  ].join('\n');
}
