import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISK_WAIT_SECONDS, checkMountPoint, dataDisk, dataDiskSetup } from '../../lib/workloads/_disk-setup';
import { shellcheckProblems, systemdProblems } from '../support/validators';
import { describeSandboxed, entry, execStart, runSandboxed, sandboxMissing } from './_support';

describe('dataDiskSetup', () => {
  it('gives a by-id setup script and the oneshot unit that runs it on every boot', () => {
    // GIVEN a data disk with serial virtwork-disk mounted at /mnt/data
    const s = dataDiskSetup({ id: 'disk', serial: 'virtwork-disk', mount: '/mnt/data' });

    // THEN one script, one oneshot unit that stays active, no runcmd entries
    expect(s.files.map((f) => [f.path, f.permissions])).toEqual([['/usr/local/bin/virtwork-disk-setup-disk.sh', '0755']]);
    expect(s.units.map((u) => u.name)).toEqual(['virtwork-disk-setup-disk.service']);
    expect(s.unitName).toBe('virtwork-disk-setup-disk.service');
    expect(s.device).toBe('/dev/disk/by-id/virtio-virtwork-disk');
    expect(s.setup).toEqual([]);
    const unit = s.units[0].content;
    expect(entry(unit, 'Type')).toBe('oneshot');
    expect(entry(unit, 'RemainAfterExit')).toBe('yes');
    expect(entry(unit, 'WantedBy')).toBe('multi-user.target');
    expect(execStart(unit)).toEqual(['/usr/local/bin/virtwork-disk-setup-disk.sh']);
    expect(s.files[0].content).toMatchSnapshot();
    expect(shellcheckProblems(s.files[0].content)).toEqual([]);
    expect(systemdProblems({ [s.unitName]: unit })).toEqual([]);
  });

  it('in Block mode only waits for the device (no mkfs, no mount, no fstab)', () => {
    const s = dataDiskSetup({ id: 'raw', serial: 'raw1', mount: '', volumeMode: 'Block' });
    const script = s.files[0].content;
    expect(script).toContain('DISK=/dev/disk/by-id/virtio-raw1');
    expect(script).not.toMatch(/mkfs|mount|fstab/);
    expect(shellcheckProblems(script)).toEqual([]);
  });

  it.each([
    [{ id: 'd', serial: 'bad serial', mount: '/mnt/data' }, `data disk "d": serial must be 1 to 20 letters, digits, '-' or '_', got "bad serial"`],
    [{ id: 'd', serial: 's', mount: '/mnt/$(reboot)' }, 'data disk "d": mount must be an absolute path'],
    [{ id: 'd', serial: 's', mount: '/mnt/../etc' }, 'data disk "d": mount must be an absolute path'],
    [{ id: 'd', serial: 's', mount: '/etc' }, 'data disk "d": mount must not be a system directory, got "/etc"'],
    [{ id: 'd', serial: 's', mount: '/proc/x' }, 'data disk "d": mount must not be a system directory, got "/proc/x"'],
    [{ id: 'D!', serial: 's', mount: '/mnt/x' }, 'data disk setup id must be a DNS-1123 label'],
    [{ id: 'd', serial: 's', mount: '/mnt/x', volumeMode: 'Raw' as any }, 'data disk "d": volumeMode must be Filesystem or Block, got "Raw"'],
  ])('fails when given %j', (o, message) => {
    expect(() => dataDiskSetup(o)).toThrow(message);
  });

  it('checkMountPoint accepts plain paths under /mnt, /data and /var/lib', () => {
    for (const m of ['/mnt/data', '/data', '/var/lib/pgsql/data', '/srv/virtwork']) expect(checkMountPoint('m', m)).toBe(m);
  });
});

describe('dataDisk', () => {
  it('declares disk and volume "datadisk" with the DataVolume base, serial and size', () => {
    expect(dataDisk({ dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: '20Gi' })).toEqual({
      name: 'datadisk', dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: '20Gi',
    });
  });

  it.each([
    [{ dataVolumeBase: 'Bad_Base', serial: 's', size: '1Gi' }, 'data disk "datadisk": dataVolumeBase must be a DNS-1123 label'],
    [{ dataVolumeBase: 'b', serial: 'x'.repeat(21), size: '1Gi' }, 'serial must be 1 to 20 letters'],
    [{ dataVolumeBase: 'b', serial: 's', size: 'ten' }, 'data disk "datadisk": size must be a positive quantity like 512Mi, 2Gi or 10G, got "ten"'],
  ])('fails when given %j', (o, message) => {
    expect(() => dataDisk(o)).toThrow(message);
  });
});

/*
 * The script itself, run for real as root on a loop device in a private mount namespace: /etc is an overlay
 * (the host's fstab is never touched), /mnt and /dev/disk are private tmpfs, and mkfs.xfs is a stand-in that makes
 * ext4 (xfsprogs is not needed; the script takes the type blkid reports).
 */
const missing = sandboxMissing('losetup', 'mkfs.ext4', 'sfdisk', 'blkid', 'mountpoint');
// skipped only where the sandbox tools are missing, and then the name says which
const sandboxed = describeSandboxed(missing); // skipped, with the reason in the name, where the sandbox cannot run
if (missing) console.warn(`dataDiskSetup functional tests skipped: ${missing}`);

sandboxed('dataDiskSetup script, run on a loop device', () => {
  const serial = 'virtwork-test';
  const mount = '/mnt/data';
  const script = dataDiskSetup({ id: 'test', serial, mount }).files[0].content;
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'virtwork-disk-setup-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** Runs `steps` with `setup` (the script under test), `$LOOP` and `$DISK` prepared. */
  function run(steps: string) {
    return runSandboxed(`
      set -euo pipefail
      export S=${scratch}
      mount -t tmpfs tmpfs "$S"
      mkdir -p "$S/bin" "$S/up" "$S/work"
      touch "$S/mkfs.log"
      mount -t overlay overlay -o lowerdir=/etc,upperdir="$S/up",workdir="$S/work" /etc
      printf '# test fstab\\n/dev/vda1 / ext4 defaults 0 1\\n' > /etc/fstab
      mount -t tmpfs tmpfs /mnt
      [ -d /dev/disk ] || mkdir /dev/disk
      mount -t tmpfs tmpfs /dev/disk
      mkdir /dev/disk/by-id
      truncate -s 64M "$S/disk.img"
      LOOP=$(losetup -f --show "$S/disk.img")
      trap 'umount -R /mnt 2>/dev/null || true; losetup -d "$LOOP"' EXIT
      DISK=/dev/disk/by-id/virtio-${serial}
      ln -s "$LOOP" "$DISK"
      printf '#!/bin/sh\\nfor a; do dev=$a; done\\necho mkfs >> $S/mkfs.log\\nexec mkfs.ext4 -q -F "$dev"\\n' > "$S/bin/mkfs.xfs"
      chmod +x "$S/bin/mkfs.xfs"
      export PATH="$S/bin:$PATH"
      cat > "$S/setup.sh" <<'VIRTWORK_SCRIPT'
${script}VIRTWORK_SCRIPT
      setup() { bash "$S/setup.sh"; }
      ${steps}
    `);
  }

  it('formats a blank disk once, records it in fstab by its by-id path, mounts it, and is idempotent', () => {
    const r = run(`
      setup
      echo keep > ${mount}/marker
      umount ${mount}
      setup
      echo "mkfs runs: $(grep -c mkfs $S/mkfs.log)"
      echo "marker: $(cat ${mount}/marker)"
      echo "mounted: $(findmnt -n -o SOURCE ${mount})"
      echo "fstab:"; cat /etc/fstab
    `);
    expect(r.out).toContain('mkfs runs: 1');
    expect(r.out).toContain('marker: keep');
    expect(r.out).toMatch(/mounted: \/dev\/loop\d+/);
    expect(r.out).toContain(`fstab:\n# test fstab\n/dev/vda1 / ext4 defaults 0 1\n/dev/disk/by-id/virtio-${serial} ${mount} ext4 defaults,nofail 0 2\n`);
    expect(r.status).toBe(0);
  });

  it('never formats a disk that already holds a file system, and replaces a stale fstab entry for the mount point', () => {
    const r = run(`
      mkfs.ext4 -q -F "$LOOP"
      mkdir -p /mnt/pre && mount "$LOOP" /mnt/pre && echo precious > /mnt/pre/data && umount /mnt/pre
      echo '/dev/vdb ${mount} xfs defaults 0 0' >> /etc/fstab
      setup
      echo "mkfs runs: $(grep -c mkfs $S/mkfs.log || true)"
      echo "data: $(cat ${mount}/data)"
      echo "entries: $(grep -c ' ${mount} ' /etc/fstab)"
      grep ' ${mount} ' /etc/fstab
    `);
    expect(r.out).toContain('mkfs runs: 0');
    expect(r.out).toContain('data: precious');
    expect(r.out).toContain(`entries: 1\n/dev/disk/by-id/virtio-${serial} ${mount} ext4 defaults,nofail 0 2`);
    expect(r.status).toBe(0);
  });

  it('refuses a disk with a partition table but no file system', () => {
    const r = run(`
      echo 'label: dos' | sfdisk -q "$LOOP" 2>/dev/null || true
      setup && echo "exit 0" || echo "exit $?"
      echo "mkfs runs: $(grep -c mkfs $S/mkfs.log || true)"
    `);
    expect(r.out).toContain('holds data but no file system (partition table?); refusing to format it');
    expect(r.out).toContain('exit 1');
    expect(r.out).toContain('mkfs runs: 0');
  });

  it('fails with a clear message when the disk never shows up', () => {
    const r = run(`
      rm "$DISK"
      printf '#!/bin/sh\\nexit 0\\n' > "$S/bin/sleep" && chmod +x "$S/bin/sleep"
      setup && echo "exit 0" || echo "exit $?"
    `);
    expect(r.out).toContain(`ERROR: disk /dev/disk/by-id/virtio-${serial} not found after ${DISK_WAIT_SECONDS}s`);
    expect(r.out).toContain('exit 1');
  });
});
