import { ChaosDiskWorkload } from '../../lib/workloads/chaos-disk';
import { validateObjects } from '../support/validators';
import { describeSandboxed, entry, execStart, fileOf, find, HOSTILE, names, own, runSandboxed, sandboxMissing, synth, unitOf, userData } from './_support';

const SCRIPT = '/usr/local/bin/virtwork-chaos-disk.sh';
const vars = (script: string) => Object.fromEntries([...script.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

describe('ChaosDiskWorkload', () => {
  it('synthesizes one VM that fills and releases its data disk (snapshot)', () => {
    // GIVEN the default chaos-disk workload
    // WHEN it is synthesized
    const objs = synth((c) => new ChaosDiskWorkload(c, 'chaos-disk'));

    // THEN no packages of its own, the setup and fill scripts then the units; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual(['Secret/virtwork-chaos-disk-0-cloudinit', 'VirtualMachine/virtwork-chaos-disk-0']);
    const doc = userData(objs, 'virtwork-chaos-disk-0');
    expect(own(doc).packages).toEqual(['xfsprogs', 'util-linux']);
    expect(own(doc).paths).toEqual([
      '/usr/local/bin/virtwork-disk-setup-chaos-disk.sh',
      SCRIPT,
      '/etc/systemd/system/virtwork-disk-setup-chaos-disk.service',
      '/etc/systemd/system/virtwork-chaos-disk.service',
    ]);
    expect(own(doc).runcmd).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'virtwork-disk-setup-chaos-disk.service'],
      ['systemctl', 'enable', '--now', 'virtwork-chaos-disk.service'],
    ]);
    const unit = unitOf(doc, 'virtwork-chaos-disk.service');
    expect(entry(unit, 'Description')).toBe('Virtwork chaos-disk fill/release workload');
    expect(execStart(unit)).toEqual([SCRIPT]);
    expect(entry(unit, 'Requires')).toBe('virtwork-disk-setup-chaos-disk.service');
    expect(entry(unit, 'Restart')).toBe('always');
    expect(vars(fileOf(doc, SCRIPT))).toMatchObject({ MOUNT_POINT: '/mnt/data', FILL_PERCENT: '90', FILL_SLEEP: '60', RELEASE_SLEEP: '30' });
    const vm = find(objs, 'VirtualMachine', 'virtwork-chaos-disk-0');
    expect(vm.spec.dataVolumeTemplates[0].metadata.name).toBe('virtwork-chaos-disk-data-virtwork-chaos-disk-0');
    expect(vm.spec.dataVolumeTemplates[0].metadata.labels).toEqual(vm.metadata.labels);
    expect(vm.spec.template.spec.domain.devices.disks).toContainEqual({ name: 'datadisk', serial: 'virtwork-chdisk', disk: { bus: 'virtio' } });
    expect(validateObjects(objs)).toEqual([]);
  });

  it('mounts the data disk where the mount param says, and the fill script uses the same place', () => {
    const doc = userData(synth((c) => new ChaosDiskWorkload(c, 'chaos-disk', { params: { mount: '/data/chaos' } })), 'virtwork-chaos-disk-0');
    expect(vars(fileOf(doc, '/usr/local/bin/virtwork-disk-setup-chaos-disk.sh'))).toMatchObject({
      DISK: '/dev/disk/by-id/virtio-virtwork-chdisk', MOUNT_POINT: '/data/chaos',
    });
    expect(vars(fileOf(doc, SCRIPT)).MOUNT_POINT).toBe('/data/chaos');
  });

  it.each([
    ['default', {}, { MOUNT_POINT: '/mnt/data', FILL_PERCENT: '90', FILL_SLEEP: '60', RELEASE_SLEEP: '30' }],
    ['full override', { mount: '/mnt/x', 'fill-percent': 50, 'fill-sleep': 5, 'release-sleep': 7 },
      { MOUNT_POINT: '/mnt/x', FILL_PERCENT: '50', FILL_SLEEP: '5', RELEASE_SLEEP: '7' }],
    ['partial override', { 'fill-percent': '75' }, { MOUNT_POINT: '/mnt/data', FILL_PERCENT: '75', FILL_SLEEP: '60', RELEASE_SLEEP: '30' }],
  ])('wires params: %s', (_, params, expected) => {
    const doc = userData(synth((c) => new ChaosDiskWorkload(c, 'chaos-disk', { params })), 'virtwork-chaos-disk-0');
    expect(vars(fileOf(doc, SCRIPT))).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ 'fill-percent': 101 }, 'chaos-disk.params.fill-percent: must be an integer from 1 to 100, got 101'],
    [{ 'fill-sleep': 0 }, 'chaos-disk.params.fill-sleep: must be an integer from 1 to 86400, got 0'],
    [{ mount: '/' }, 'chaos-disk.params.mount: must be an absolute path of letters, digits, ".", "_" and "-" segments'],
    [{ mount: '/var' }, 'chaos-disk.params.mount: must not be a system directory, got "/var"'],
    [{ mount: '/mnt/../etc' }, 'chaos-disk.params.mount: must be an absolute path'],
    [{ 'fill_percent': 10 }, 'chaos-disk.params.fill_percent: unknown param (did you mean "fill-percent"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ mount: `/mnt/${v}` }, 'chaos-disk.params.mount: must be an absolute path']),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new ChaosDiskWorkload(c, 'chaos-disk', { params: params as any }))).toThrow(message);
  });
});

const missing = sandboxMissing('losetup', 'mkfs.ext4', 'fallocate', 'timeout');
// skipped only where the sandbox tools are missing, and then the name says which
const sandboxed = describeSandboxed(missing); // skipped, with the reason in the name, where the sandbox cannot run
if (missing) console.warn(`chaos-disk functional tests skipped: ${missing}`);

sandboxed('chaos-disk fill script, run on a loop device', () => {
  const script = (mount: string) =>
    fileOf(userData(synth((c) => new ChaosDiskWorkload(c, 'chaos-disk', {
      params: { mount, 'fill-percent': 60, 'fill-sleep': 2, 'release-sleep': 5 },
    })), 'virtwork-chaos-disk-0'), SCRIPT);

  it('fills the mounted data disk to the target, then releases it', () => {
    // GIVEN a 64 MiB ext4 data disk mounted at /mnt/chaos, a 60% target held 2 s, released 5 s
    const r = runSandboxed(`
      set -u
      mount -t tmpfs tmpfs /mnt && mkdir /mnt/chaos /mnt/s
      truncate -s 64M /mnt/s/disk.img && mkfs.ext4 -q -F /mnt/s/disk.img
      LOOP=$(losetup -f --show /mnt/s/disk.img)
      mount "$LOOP" /mnt/chaos
      cat > /mnt/s/fill.sh <<'VIRTWORK_SCRIPT'
${script('/mnt/chaos')}VIRTWORK_SCRIPT
      pct() { df -Pk /mnt/chaos | awk 'NR == 2 { printf "%d", $3 * 100 / $2 }'; }
      echo "before: $(pct)"
      timeout 6 bash /mnt/s/fill.sh > /mnt/s/fill.log 2>&1 &
      sleep 1; echo "filled: $(pct)"
      sleep 2.5; echo "released: $(pct)"
      wait
      echo "after: $(pct) file: $(ls /mnt/chaos)"
      cat /mnt/s/fill.log
      umount /mnt/chaos; losetup -d "$LOOP"
    `);
    // THEN usage (of the disk's size) reaches ~60% while filled, drops back after the hold, and the fill file is gone at exit
    const pct = (label: string) => Number(new RegExp(`${label}: (\\d+)`).exec(r.out)![1]);
    expect(pct('before')).toBeLessThan(10);
    expect(pct('filled')).toBeGreaterThanOrEqual(58);
    expect(pct('filled')).toBeLessThanOrEqual(62);
    expect(pct('released')).toBeLessThan(10);
    expect(r.out).toMatch(/file: (lost\+found)?\n/);
    expect(r.out).toContain('filling /mnt/chaos with');
  });

  it('refuses to fill a directory that is not a mount point (it would fill the root file system)', () => {
    const r = runSandboxed(`
      mount -t tmpfs tmpfs /mnt && mkdir /mnt/s
      cat > /mnt/s/fill.sh <<'VIRTWORK_SCRIPT'
${script('/mnt/s/nodisk')}VIRTWORK_SCRIPT
      mkdir -p /mnt/s/nodisk
      bash /mnt/s/fill.sh; echo "exit $?"; ls /mnt/s/nodisk | wc -l
    `);
    expect(r.out).toContain('ERROR: /mnt/s/nodisk is not a mount point; refusing to fill it');
    expect(r.out).toContain('exit 1\n0');
  });
});
