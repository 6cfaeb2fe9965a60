import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseWorkload, POSTGRESQL_DROP_IN } from '../../lib/workloads/database';
import { shellcheckProblems, validateObjects } from '../support/validators';
import { HOSTILE, UserData, bashProgram, byKind, entries, entry, fileOf, find, names, own, readinessChecks, synth, unitOf, userData } from './_support';

const UNITS = [
  'virtwork-disk-setup-database.service',
  'virtwork-database-initdb.service',
  'virtwork-database-prepare.service',
  'virtwork-database.service',
];

/** Units each unit is ordered after (After=), PostgreSQL's taken from virtwork's drop-in. */
function orderedAfter(doc: UserData): Record<string, string[]> {
  const after: Record<string, string[]> = {};
  for (const name of UNITS) after[name] = entries(unitOf(doc, name), 'After').flatMap((v) => v.split(' '));
  after['postgresql.service'] = entries(fileOf(doc, POSTGRESQL_DROP_IN), 'After').flatMap((v) => v.split(' '));
  return after;
}

/** Whether `a` is (transitively) ordered before `b`. */
function before(after: Record<string, string[]>, a: string, b: string, seen = new Set<string>()): boolean {
  if (seen.has(b)) return false;
  seen.add(b);
  return (after[b] ?? []).some((x) => x === a || before(after, a, x, seen));
}

/**
 * `systemd-analyze verify` of the units together with PostgreSQL (a stand-in unit) and virtwork's drop-in for it,
 * loaded from a unit directory the way systemd loads them; missing guest binaries are not problems.
 */
function verifyWithDropIn(doc: UserData, dropIn: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'virtwork-units-'));
  try {
    for (const f of doc.write_files.filter((w) => w.path.startsWith('/etc/systemd/system/'))) {
      const path = join(dir, f.path.slice('/etc/systemd/system/'.length));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.path === POSTGRESQL_DROP_IN ? dropIn : f.content);
    }
    writeFileSync(join(dir, 'postgresql.service'), '[Unit]\nDescription=PostgreSQL stand-in\n[Service]\nExecStart=/usr/bin/postmaster\n');
    const r = spawnSync('systemd-analyze', ['verify', 'postgresql.service', ...UNITS], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:`, SYSTEMD_LOG_COLOR: '0' },
    });
    return `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/is not executable: No such file or directory$/.test(l));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('DatabaseWorkload', () => {
  it('synthesizes one VM running pgbench on PostgreSQL on a data disk (snapshot)', () => {
    // GIVEN the default database workload
    // WHEN it is synthesized
    const objs = synth((c) => new DatabaseWorkload(c, 'database'));

    // THEN the reference package, VM, data volume and pgbench loop; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual(['Secret/virtwork-database-0-cloudinit', 'VirtualMachine/virtwork-database-0']);
    const doc = userData(objs, 'virtwork-database-0');
    expect(own(doc).packages).toEqual(['postgresql-server', 'postgresql-contrib', 'xfsprogs', 'util-linux']);
    expect(own(doc).paths).toEqual([
      '/usr/local/bin/virtwork-disk-setup-database.sh',
      '/usr/local/bin/virtwork-database-initdb.sh',
      '/usr/local/bin/virtwork-database-prepare.sh',
      POSTGRESQL_DROP_IN,
      ...UNITS.map((u) => `/etc/systemd/system/${u}`),
    ]);
    expect(own(doc).runcmd).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', 'postgresql.service'],
      ['systemctl', 'enable', '--now', 'virtwork-disk-setup-database.service'],
      ['systemctl', 'enable', '--now', 'virtwork-database-initdb.service'],
      ['systemctl', 'enable', '--now', '--no-block', 'virtwork-database-prepare.service'],
      ['systemctl', 'enable', '--now', '--no-block', 'virtwork-database.service'],
    ]);
    const unit = unitOf(doc, 'virtwork-database.service');
    expect(entry(unit, 'Description')).toBe('Virtwork database benchmark workload');
    expect(bashProgram(unit)).toBe('while true; do pgbench -c 10 -j 2 -T 300 pgbench && /usr/local/bin/virtwork-heartbeat pgbench; sleep 10; done');
    expect(entry(unit, 'Restart')).toBe('always');
    const vm = find(objs, 'VirtualMachine', 'virtwork-database-0');
    expect(vm.spec.dataVolumeTemplates.map((d: any) => d.metadata.name)).toEqual(['virtwork-database-data-virtwork-database-0']);
    expect(vm.spec.dataVolumeTemplates[0].metadata.labels).toEqual(vm.metadata.labels);
    expect(vm.spec.template.spec.domain.devices.disks).toContainEqual({ name: 'datadisk', serial: 'virtwork-dbdisk', disk: { bus: 'virtio' } });
    expect(fileOf(doc, '/usr/local/bin/virtwork-disk-setup-database.sh')).toContain('MOUNT_POINT=/var/lib/pgsql/data\n');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: setup runs as root before PostgreSQL starts; pgbench runs as postgres', () => {
    // GIVEN the database user-data
    const doc = userData(synth((c) => new DatabaseWorkload(c, 'database')), 'virtwork-database-0');
    const after = orderedAfter(doc);

    // THEN the disk and initdb units run as root (no User=) and are ordered before PostgreSQL, which needs them
    for (const root of ['virtwork-disk-setup-database.service', 'virtwork-database-initdb.service']) {
      expect(entries(unitOf(doc, root), 'User')).toEqual([]);
    }
    expect(before(after, 'virtwork-disk-setup-database.service', 'virtwork-database-initdb.service')).toBe(true);
    expect(before(after, 'virtwork-database-initdb.service', 'postgresql.service')).toBe(true);
    expect(entries(fileOf(doc, POSTGRESQL_DROP_IN), 'Requires')).toEqual(['virtwork-database-initdb.service']);
    // AND pgbench -i and the benchmark run as postgres, after PostgreSQL, which they require
    for (const pg of ['virtwork-database-prepare.service', 'virtwork-database.service']) {
      expect(entry(unitOf(doc, pg), 'User')).toBe('postgres');
      expect(entry(unitOf(doc, pg), 'Requires').split(' ')).toContain('postgresql.service');
      expect(before(after, 'postgresql.service', pg)).toBe(true);
    }
    expect(before(after, 'virtwork-database-prepare.service', 'virtwork-database.service')).toBe(true);
    // AND no unit ExecStartPre does privileged work as postgres (the reference's defect)
    for (const u of UNITS) expect(entries(unitOf(doc, u), 'ExecStartPre')).toEqual([]);
    const initdb = fileOf(doc, '/usr/local/bin/virtwork-database-initdb.sh');
    expect(initdb).toContain('postgresql-setup --initdb');
    expect(initdb).toContain('if [ -f "$DATA_DIR/PG_VERSION" ]; then');
  });

  it('has a PostgreSQL drop-in that systemd loads without complaint (and a broken one would be caught)', () => {
    const doc = userData(synth((c) => new DatabaseWorkload(c, 'database')), 'virtwork-database-0');
    expect(verifyWithDropIn(doc, fileOf(doc, POSTGRESQL_DROP_IN))).toEqual([]);
    expect(verifyWithDropIn(doc, '[Unit]\nRequries=virtwork-database-initdb.service\n').join('\n')).toMatch(/Unknown key/);
  });

  it('fills pgbench tables once per scale factor, as postgres, with PostgreSQL running', () => {
    const doc = userData(synth((c) => new DatabaseWorkload(c, 'database', { params: { 'scale-factor': 7 } })), 'virtwork-database-0');
    const prepare = fileOf(doc, '/usr/local/bin/virtwork-database-prepare.sh');
    expect(prepare).toContain('SCALE=7\n');
    expect(prepare).toContain('MARKER=/var/lib/pgsql/data/.virtwork-pgbench-scale\n');
    expect(prepare).toContain('pgbench -i -s "$SCALE" pgbench');
    expect(shellcheckProblems(prepare)).toEqual([]);
  });

  it('is Ready only while pgbench runs succeed (which needs the disk, PostgreSQL and the tables)', () => {
    const objs = synth((c) => new DatabaseWorkload(c, 'database', { params: { duration: 120 } }));
    expect(readinessChecks(userData(objs, 'virtwork-database-0'))).toEqual([{ kind: 'heartbeat', name: 'pgbench', within: 380, what: 'pgbench run' }]);
    expect(find(objs, 'VirtualMachine', 'virtwork-database-0').spec.template.spec.readinessProbe.httpGet).toEqual({ path: '/virtwork/ready', port: 8099 });
  });

  it.each([
    ['default', {}, ['-c', '10', '-j', '2', '-T', '300']],
    ['full override', { 'scale-factor': 100, clients: 32, duration: 60 }, ['-c', '32', '-j', '2', '-T', '60']],
    ['partial override', { duration: '120' }, ['-c', '10', '-j', '2', '-T', '120']],
    ['a single client (the reference ran -j 2, which pgbench rejects)', { clients: 1 }, ['-c', '1', '-j', '1', '-T', '300']],
  ])('wires params: %s', (_, params, args) => {
    const doc = userData(synth((c) => new DatabaseWorkload(c, 'database', { params })), 'virtwork-database-0');
    expect(bashProgram(unitOf(doc, 'virtwork-database.service'))).toBe(`while true; do pgbench ${args.join(' ')} pgbench && /usr/local/bin/virtwork-heartbeat pgbench; sleep 10; done`);
  });

  it('names VMs, DataVolumes and labels per index', () => {
    const objs = synth((c) => new DatabaseWorkload(c, 'database', { vmCount: 2, runId: 'nightly' }));
    expect(byKind(objs, 'VirtualMachine').map((v) => v.spec.dataVolumeTemplates[0].metadata.name)).toEqual([
      'virtwork-database-data-virtwork-database-0', 'virtwork-database-data-virtwork-database-1',
    ]);
    for (const o of objs) expect(o.metadata.labels['virtwork/run-id']).toBe('nightly');
  });

  it.each<[Record<string, unknown>, string]>([
    [{ clients: 0 }, 'database.params.clients: must be an integer from 1 to 1000, got 0'],
    [{ duration: -1 }, 'database.params.duration: must be an integer from 1 to 86400, got -1'],
    [{ 'scale-factor': '1e3' }, 'database.params.scale-factor: must be an integer from 1 to 100000, got "1e3"'],
    [{ client: 5 }, 'database.params.client: unknown param (did you mean "clients"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ clients: v }, `database.params.clients: must be an integer from 1 to 1000, got ${JSON.stringify(v)}`]),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new DatabaseWorkload(c, 'database', { params: params as any }))).toThrow(message);
  });

  it('fails when the pgbench data cannot fit on the data disk', () => {
    expect(() => synth((c) => new DatabaseWorkload(c, 'database', { params: { 'scale-factor': 600 } }))).toThrow(
      'database.params.scale-factor: 600 needs about 9600Mi, more than 80% of the data disk (dataDiskSize "10Gi"): ' +
        'lower scale-factor or raise dataDiskSize',
    );
    expect(() => synth((c) => new DatabaseWorkload(c, 'database', { params: { 'scale-factor': 600 }, dataDiskSize: '20Gi' }))).not.toThrow();
  });
});
