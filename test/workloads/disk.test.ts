import { DiskWorkload } from '../../lib/workloads/disk';
import { validateObjects } from '../support/validators';
import { HOSTILE, bashProgram, byKind, entries, entry, fileOf, find, names, own, readinessChecks, synth, unitOf, userData } from './_support';

const ini = (text: string) => text.split('\n').filter((l) => l !== '');

describe('DiskWorkload', () => {
  it('synthesizes one VM with a data disk and the reference fio profiles (snapshot)', () => {
    // GIVEN the default disk workload
    // WHEN it is synthesized
    const objs = synth((c) => new DiskWorkload(c, 'disk'));

    // THEN one VM with its Secret, the reference package, files and unit, and every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual(['Secret/virtwork-disk-0-cloudinit', 'VirtualMachine/virtwork-disk-0']);
    const doc = userData(objs, 'virtwork-disk-0');
    expect(own(doc).packages).toEqual(['fio', 'xfsprogs', 'util-linux']);
    expect(own(doc).paths).toEqual([
      '/usr/local/bin/virtwork-disk-setup-disk.sh',
      '/etc/fio/mixed-rw.fio',
      '/etc/fio/seq-write.fio',
      '/etc/systemd/system/virtwork-disk-setup-disk.service',
      '/etc/systemd/system/virtwork-disk.service',
    ]);
    expect(own(doc).permissions).toEqual(['0755', '0644', '0644', '0644', '0644']);
    expect(own(doc).runcmd).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'virtwork-disk-setup-disk.service'],
      ['systemctl', 'enable', '--now', 'virtwork-disk.service'],
    ]);
    expect(ini(fileOf(doc, '/etc/fio/mixed-rw.fio'))).toEqual([
      '[global]', 'ioengine=libaio', 'direct=1', 'directory=/mnt/data', 'size=1G',
      '[mixed-rw]', 'rw=randrw', 'rwmixread=70', 'bs=4k', 'numjobs=4', 'runtime=300', 'time_based', 'group_reporting',
    ]);
    expect(ini(fileOf(doc, '/etc/fio/seq-write.fio'))).toEqual([
      '[global]', 'ioengine=libaio', 'direct=1', 'directory=/mnt/data', 'size=1G',
      '[seq-write]', 'rw=write', 'bs=128k', 'numjobs=2', 'runtime=300', 'time_based', 'group_reporting',
    ]);
    const unit = unitOf(doc, 'virtwork-disk.service');
    expect(entry(unit, 'Description')).toBe('Virtwork disk I/O workload');
    expect(entry(unit, 'Restart')).toBe('always');
    expect(entry(unit, 'RestartSec')).toBe('10');
    expect(bashProgram(unit)).toBe('while true; do fio /etc/fio/mixed-rw.fio && /usr/local/bin/virtwork-heartbeat disk mixed-rw; sleep 10; fio /etc/fio/seq-write.fio && /usr/local/bin/virtwork-heartbeat disk seq-write; sleep 10; done');
    // Ready only while fio runs succeed: one heartbeat per run, fresh within two runs (300 s + 10 s pause) and two minutes
    expect(readinessChecks(doc)).toEqual([{ kind: 'heartbeat', name: 'disk', within: 740, what: 'fio run' }]);
    expect(validateObjects(objs)).toEqual([]);
  });

  it('attaches a labelled DataVolume template virtwork-disk-data-<vm> as disk "datadisk" with serial virtwork-disk', () => {
    const objs = synth((c) => new DiskWorkload(c, 'disk', { vmCount: 2, runId: 'r7', dataDiskSize: '25Gi' }));
    const vms = byKind(objs, 'VirtualMachine');
    expect(vms.map((v) => v.metadata.name)).toEqual(['virtwork-disk-0', 'virtwork-disk-1']);
    for (const vm of vms) {
      const dvName = `virtwork-disk-data-${vm.metadata.name}`;
      expect(vm.spec.dataVolumeTemplates).toEqual([{
        metadata: { name: dvName, labels: vm.metadata.labels },
        spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '25Gi' } } } },
      }]);
      expect(vm.metadata.labels['virtwork/run-id']).toBe('r7');
      expect(vm.spec.template.spec.domain.devices.disks).toContainEqual({ name: 'datadisk', serial: 'virtwork-disk', disk: { bus: 'virtio' } });
      expect(vm.spec.template.spec.volumes).toContainEqual({ name: 'datadisk', dataVolume: { name: dvName } });
    }
  });

  it('runs fio only after the data disk is set up (by its by-id path, at /mnt/data)', () => {
    const doc = userData(synth((c) => new DiskWorkload(c, 'disk')), 'virtwork-disk-0');
    const unit = unitOf(doc, 'virtwork-disk.service');
    expect(entry(unit, 'Requires')).toBe('virtwork-disk-setup-disk.service');
    expect(entry(unit, 'After').split(' ')).toContain('virtwork-disk-setup-disk.service');
    const setup = fileOf(doc, '/usr/local/bin/virtwork-disk-setup-disk.sh');
    expect(setup).toContain('DISK=/dev/disk/by-id/virtio-virtwork-disk\n');
    expect(setup).toContain('MOUNT_POINT=/mnt/data\n');
  });

  it('with Block data disks runs fio on the raw device by its by-id path, without mkfs, mount or per-job files', () => {
    // GIVEN data disks requested as raw block volumes
    const objs = synth((c) => new DiskWorkload(c, 'disk', { dataDisk: { volumeMode: 'Block' }, params: { numjobs: 32 } }));
    const doc = userData(objs, 'virtwork-disk-0');

    // THEN both profiles target the device itself and the setup only waits for it
    for (const path of ['/etc/fio/mixed-rw.fio', '/etc/fio/seq-write.fio']) {
      const profile = ini(fileOf(doc, path));
      expect(profile).toContain('filename=/dev/disk/by-id/virtio-virtwork-disk');
      expect(profile.filter((l) => /^(directory|size)=/.test(l))).toEqual([]);
    }
    expect(fileOf(doc, '/usr/local/bin/virtwork-disk-setup-disk.sh')).not.toMatch(/mkfs|fstab|mount/);
    expect(find(objs, 'VirtualMachine', 'virtwork-disk-0').spec.dataVolumeTemplates[0].spec.storage.volumeMode).toBe('Block');
    expect(validateObjects(objs)).toEqual([]);
  });

  it.each([
    ['default', {}, ['bs=4k', 'rwmixread=70', 'numjobs=4', 'runtime=300'], ['bs=128k', 'runtime=300']],
    ['full override', { 'block-size-rw': '8k', 'block-size-seq': '1m', rwmixread: 50, numjobs: 2, runtime: 60 },
      ['bs=8k', 'rwmixread=50', 'numjobs=2', 'runtime=60'], ['bs=1m', 'runtime=60']],
    ['partial override (strings, as from --params)', { rwmixread: '0', runtime: '30' },
      ['bs=4k', 'rwmixread=0', 'numjobs=4', 'runtime=30'], ['bs=128k', 'runtime=30']],
  ])('wires params: %s', (_, params, mixed, seq) => {
    const doc = userData(synth((c) => new DiskWorkload(c, 'disk', { params })), 'virtwork-disk-0');
    expect(ini(fileOf(doc, '/etc/fio/mixed-rw.fio'))).toEqual(expect.arrayContaining(mixed));
    expect(ini(fileOf(doc, '/etc/fio/seq-write.fio'))).toEqual(expect.arrayContaining([...seq, 'numjobs=2']));
  });

  it.each<[Record<string, unknown>, string]>([
    [{ rwmixread: 101 }, 'disk.params.rwmixread: must be an integer from 0 to 100, got 101'],
    [{ numjobs: 0 }, 'disk.params.numjobs: must be an integer from 1 to 64, got 0'],
    [{ runtime: '5m' }, 'disk.params.runtime: must be an integer from 1 to 86400, got "5m"'],
    [{ 'block-size-rw': '4kb' }, 'disk.params.block-size-rw: must be a positive size like 4k (bytes, or with a k or m suffix; at most 64m), got "4kb"'],
    [{ 'block-size-seq': '0k' }, 'disk.params.block-size-seq: must be a positive size like 128k (bytes, or with a k or m suffix; at most 64m), got "0k"'],
    [{ 'block-size': '4k' }, 'disk.params.block-size: unknown param (did you mean "block-size-rw"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ 'block-size-rw': v }, `disk.params.block-size-rw: must be a positive size like 4k (bytes, or with a k or m suffix; at most 64m), got ${JSON.stringify(v)}`]),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: params as any }))).toThrow(message);
  });

  it('fails when a block size is over 64m', () => {
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { 'block-size-seq': '65m' } }))).toThrow('disk.params.block-size-seq: must be a positive size');
  });

  it('fails when the fio files cannot fit in what XFS leaves free on the data disk', () => {
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { numjobs: 9 } }))).toThrow(
      'disk.params.numjobs: 9 mixed + 2 sequential fio files of 1 GiB need 11Gi, more than XFS leaves free on the data disk ' +
        '(dataDiskSize "10Gi": about 9.77Gi): lower numjobs or raise dataDiskSize to 12Gi or more',
    );
    // the boundary of the issue: 6 files of 1 GiB on a 6 GiB disk do not fit (XFS keeps about 139 MiB of it)
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { numjobs: 4 }, dataDiskSize: '6Gi' }))).toThrow(
      'disk.params.numjobs: 4 mixed + 2 sequential fio files of 1 GiB need 6Gi, more than XFS leaves free on the data disk ' +
        '(dataDiskSize "6Gi": about 5.81Gi): lower numjobs or raise dataDiskSize to 7Gi or more',
    );
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { numjobs: 4 }, dataDiskSize: '7Gi' }))).not.toThrow();
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { numjobs: 9 }, dataDiskSize: '12Gi' }))).not.toThrow();
    // a raw device has no file system to leave room for
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { params: { numjobs: 4 }, dataDiskSize: '6Gi', dataDisk: { volumeMode: 'Block' } }))).not.toThrow();
  });

  it('fails when dataDiskSize is not a quantity', () => {
    expect(() => synth((c) => new DiskWorkload(c, 'disk', { dataDiskSize: '10 GB' }))).toThrow(
      'disk: dataDiskSize must be a positive quantity like 512Mi, 2Gi or 10G, got "10 GB"',
    );
  });

  it('has no unit entries beyond the reference ones plus the disk dependency', () => {
    const unit = unitOf(userData(synth((c) => new DiskWorkload(c, 'disk')), 'virtwork-disk-0'), 'virtwork-disk.service');
    expect(entries(unit, 'ExecStart')).toHaveLength(1);
    expect(entry(unit, 'Type')).toBe('simple');
    expect(entry(unit, 'WantedBy')).toBe('multi-user.target');
    expect(find(synth((c) => new DiskWorkload(c, 'disk')), 'VirtualMachine', 'virtwork-disk-0').spec.runStrategy).toBe('Always');
  });
});
