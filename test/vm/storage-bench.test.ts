import { DONE_MARKER, StorageBenchWorkload } from '../../lib/workloads/storage-bench';
import { validateObjects } from '../support/validators';
import { entry, execStart, fileOf, find, names, own, readinessChecks, runSandboxed, sandboxMissing, synth, unitOf, userData } from '../workloads/_support';

const VM = 'virtwork-storage-bench-0';
const ini = (text: string) => text.split('\n').filter((l) => l !== '');
const jobPaths = (paths: string[]) => paths.filter((p) => p.startsWith('/etc/virtwork/storage-bench/'));

describe('StorageBenchWorkload', () => {
  it('runs the default fio matrix once on a formatted data disk (snapshot)', () => {
    // GIVEN the default storage-bench workload WHEN it is synthesized
    const objs = synth((c) => new StorageBenchWorkload(c, 'storage-bench'));

    // THEN one VM with its data disk, 4 profiles × 3 block sizes as job files, and every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual([`Secret/${VM}-cloudinit`, `VirtualMachine/${VM}`]);
    expect(validateObjects(objs)).toEqual([]);
    const doc = userData(objs, VM);
    expect(own(doc).packages).toEqual(['fio', 'xfsprogs', 'util-linux']);
    expect(jobPaths(own(doc).paths).map((p) => p.split('/').pop())).toEqual([
      '01-randread-4k.fio', '02-randread-64k.fio', '03-randread-1m.fio', '04-randwrite-4k.fio', '05-randwrite-64k.fio', '06-randwrite-1m.fio',
      '07-read-4k.fio', '08-read-64k.fio', '09-read-1m.fio', '10-write-4k.fio', '11-write-64k.fio', '12-write-1m.fio',
    ]);
    expect(ini(fileOf(doc, '/etc/virtwork/storage-bench/04-randwrite-4k.fio'))).toEqual([
      '[global]', 'ioengine=libaio', 'direct=1', 'directory=/mnt/bench', 'size=4G', 'iodepth=32', 'numjobs=1', 'runtime=60', 'ramp_time=10',
      'time_based', 'group_reporting', '[randwrite-4k]', 'rw=randwrite', 'bs=4k',
    ]);
    // AND the data disk is a DataVolume found by serial virtwork-bench
    const vm = find(objs, 'VirtualMachine', VM);
    expect(vm.spec.dataVolumeTemplates[0].metadata.name).toBe(`virtwork-storage-bench-data-${VM}`);
    expect(vm.spec.template.spec.domain.devices.disks[2]).toEqual({ name: 'datadisk', serial: 'virtwork-bench', disk: { bus: 'virtio' } });
  });

  it('is a oneshot that cloud-init does not wait for, and Ready only once the matrix is complete', () => {
    const objs = synth((c) => new StorageBenchWorkload(c, 'storage-bench'));
    const doc = userData(objs, VM);
    const unit = unitOf(doc, 'virtwork-storage-bench.service');
    expect([entry(unit, 'Type'), entry(unit, 'RemainAfterExit'), entry(unit, 'Restart')]).toEqual(['oneshot', 'yes', 'on-failure']);
    expect(execStart(unit)).toEqual(['/usr/local/bin/virtwork-storage-bench.sh']);
    expect(own(doc).runcmd).toContainEqual(['systemctl', 'enable', '--now', '--no-block', 'virtwork-storage-bench.service']);
    // Ready once the script has kept every result and written its marker (a oneshot: load once, then done)
    expect(readinessChecks(doc)).toEqual([{ kind: 'done', name: 'storage-bench', file: DONE_MARKER, what: 'fio matrix' }]);
    expect(find(objs, 'VirtualMachine', VM).spec.template.spec.readinessProbe.httpGet).toEqual({ path: '/virtwork/ready', port: 8099 });
  });

  it('drives a raw device without a file system with dataDisk.volumeMode Block', () => {
    // WHEN the storage under test is a Block PVC of a chosen storage class
    const objs = synth((c) => new StorageBenchWorkload(c, 'storage-bench', {
      dataDisk: { storageClass: 'ocs-rbd', volumeMode: 'Block', accessModes: ['ReadWriteMany'] }, dataDiskSize: '20Gi',
      params: { profiles: ['randrw'], 'block-sizes': ['16k'], 'file-size': '8G', numjobs: 2 },
    }));

    // THEN fio addresses the by-id device, nothing formats it, and the PVC is Block on that class
    const doc = userData(objs, VM);
    expect(ini(fileOf(doc, '/etc/virtwork/storage-bench/01-randrw-16k.fio'))).toContain('filename=/dev/disk/by-id/virtio-virtwork-bench');
    expect(fileOf(doc, '/usr/local/bin/virtwork-disk-setup-bench.sh')).not.toMatch(/mkfs|mount /);
    expect(ini(fileOf(doc, '/etc/virtwork/storage-bench/01-randrw-16k.fio'))).toContain('rwmixread=70');
    expect(find(objs, 'VirtualMachine', VM).spec.dataVolumeTemplates[0].spec.storage).toEqual({
      accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'ocs-rbd', volumeMode: 'Block',
    });
    expect(validateObjects(objs)).toEqual([]);
  });

  it.each([
    [{ profiles: 'randread;$(reboot)' }, 'storage-bench.params.profiles: must be a list of fio patterns: randread, randwrite, randrw, read, write, rw, got "randread;$(reboot)"'],
    [{ 'block-sizes': ['4k', '4x'] }, 'storage-bench.params.block-sizes: must be a list of block sizes like 4k;64k;1m'],
    [{ ioengine: 'posixaio' }, 'storage-bench.params.ioengine: must be one of libaio, io_uring, psync, got "posixaio"'],
    [{ numjobs: 4, 'file-size': '4G' }, 'storage-bench.params: 4 jobs × file-size "4G" need more than XFS leaves free on the data disk (dataDiskSize "10Gi")'],
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new StorageBenchWorkload(c, 'storage-bench', { params: params as any }))).toThrow(message);
  });
});

const missing = sandboxMissing();
// skipped only where the root sandbox cannot run (the reason is in the suite's name); CI runs it as root
(missing ? describe.skip : describe)(`storage-bench script, run for real with a stand-in fio${missing ? ` (${missing})` : ''}`, () => {
  // The generated script runs as root in a private mount namespace, over tmpfs for its state and job directories;
  // `fio` is a stand-in that writes a JSON result, or fails for the job named in $FAIL_JOB.
  const script = () => fileOf(userData(synth((c) => new StorageBenchWorkload(c, 'storage-bench', {
    params: { profiles: ['randread', 'write'], 'block-sizes': ['4k', '1m'] },
  })), VM), '/usr/local/bin/virtwork-storage-bench.sh');
  const run = (steps: string) => runSandboxed([
    'set -e',
    'mkdir -p /var/lib/virtwork /etc/virtwork /tmp/bin && mount -t tmpfs t /var/lib/virtwork && mount -t tmpfs t /tmp/bin',
    'mount -t tmpfs t /etc/virtwork && mkdir -p /etc/virtwork/storage-bench',
    'for j in 01-randread-4k 02-randread-1m 03-write-4k 04-write-1m; do echo "[$j]" > /etc/virtwork/storage-bench/$j.fio; done',
    `cat > /tmp/bin/fio <<'EOF'\n#!/bin/bash\nout=\${2#--output=}; job=$(basename "$3" .fio)\necho "$job" >> /var/lib/virtwork/calls\n[ "$job" = "\${FAIL_JOB:-}" ] && exit 1\necho "{\\"job\\":\\"$job\\"}" > "$out"\nEOF`,
    'chmod +x /tmp/bin/fio && export PATH=/tmp/bin:$PATH',
    `cat > /tmp/bin/bench.sh <<'EOF'\n${script()}EOF`,
    steps,
  ].join('\n'));

  it('keeps one JSON per run and writes the done marker at the end', () => {
    const r = run('bash /tmp/bin/bench.sh\nls /var/lib/virtwork/storage-bench/results\ncat /var/lib/virtwork/storage-bench/results/03-write-4k.json\ntest -s /var/lib/virtwork/storage-bench/done && echo DONE');
    expect(r.out).toContain('01-randread-4k.json\n02-randread-1m.json\n03-write-4k.json\n04-write-1m.json\n{"job":"03-write-4k"}\nDONE');
    expect(r.status).toBe(0);
  });

  it('stops at a failed run without the marker, and resumes after it on the next start', () => {
    const r = run([
      'FAIL_JOB=02-randread-1m bash /tmp/bin/bench.sh && echo UNEXPECTED || echo "FAILED $?"',
      'test -e /var/lib/virtwork/storage-bench/done && echo UNEXPECTED-MARKER || true',
      'ls /var/lib/virtwork/storage-bench/results',
      'bash /tmp/bin/bench.sh && echo RESUMED',
      'tr "\\n" " " < /var/lib/virtwork/calls',
    ].join('\n'));
    expect(r.out).not.toContain('UNEXPECTED');
    expect(r.out).toMatch(/FAILED 1\n01-randread-4k\.json\n(.*\n)*RESUMED/);
    // the first run is not repeated after the failure; the failed one is
    expect(r.out).toContain('01-randread-4k 02-randread-1m 02-randread-1m 03-write-4k 04-write-1m ');
  });
});
