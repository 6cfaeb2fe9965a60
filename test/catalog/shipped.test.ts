import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_CATALOG_DIR, catalogRegistry, listCatalogEntries, loadCatalogEntries } from '../../lib/catalog';
import { validateCatalog } from '../../lib/render/validate-catalog';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { synthesize } from '../../lib/render/synth';
import { K8sObject, execLines, parseManifests, validateObjects } from '../support/validators';
import { readinessChecks } from '../workloads/_support';

const SHIPPED = listCatalogEntries(SHIPPED_CATALOG_DIR);

/** Synthesizes shipped entries with vmCount VMs per role. */
function synth(name: string, vmCount?: number, params?: Record<string, unknown>): K8sObject[] {
  const registry = catalogRegistry(loadCatalogEntries(SHIPPED_CATALOG_DIR, [name]));
  return parseManifests(synthesize({ namespace: 'virtwork', workloads: [{ name, vmCount, params }], registry }).get(`${name}.yaml`)!);
}

type UserData = { packages: string[]; write_files: { path: string; content: string }[]; runcmd: string[][] };
const userData = (objects: readonly K8sObject[], vm: string) =>
  parseCloudConfig(objects.find((o) => o.kind === 'Secret' && o.metadata.name === `${vm}-cloudinit`)!.stringData.userdata) as UserData;
const unitOf = (ud: UserData, name: string) => ud.write_files.find((f) => f.path === `/etc/systemd/system/${name}`)!.content;
const vmNames = (objects: readonly K8sObject[]) => objects.filter((o) => o.kind === 'VirtualMachine').map((o) => o.metadata.name);
const dataVolumes = (objects: readonly K8sObject[]) =>
  objects.filter((o) => o.kind === 'VirtualMachine').flatMap((o) => (o.spec.dataVolumeTemplates ?? []).map((t: any) => t.metadata.name));

describe('shipped catalog', () => {
  it('ships sysbench, redis-bench and at least two more entries, each with a README', () => {
    expect(SHIPPED).toEqual(expect.arrayContaining(['sysbench', 'redis-bench', 'nginx-ab', 'mariadb-sysbench']));
    for (const name of SHIPPED) expect(existsSync(join(SHIPPED_CATALOG_DIR, name, 'README.md'))).toBe(true);
  });

  it('validates every entry without a warning', () => {
    const report = validateCatalog(SHIPPED_CATALOG_DIR);
    expect(report.entries.map((e) => [e.name, e.status, [...e.errors, ...e.warnings]])).toEqual(SHIPPED.map((n) => [n, 'OK', []]));
  });

  it.each(SHIPPED)('%s synthesizes, and its user-data, units and scripts pass every validator', (name) => {
    // GIVEN a shipped entry WHEN synthesized with two VMs per role THEN the objects are stable and valid
    const objects = synth(name, 2);
    expect(objects).toMatchSnapshot();
    expect(validateObjects(objects)).toEqual([]);
    // every unit it installs carries a virtwork name
    for (const secret of objects.filter((o) => o.kind === 'Secret')) {
      const ud = parseCloudConfig(secret.stringData.userdata) as UserData;
      const units = ud.write_files.map((f) => f.path).filter((p) => /^\/etc\/systemd\/system\/[^/]+\.service$/.test(p));
      expect(units.every((p) => p.startsWith('/etc/systemd/system/virtwork-'))).toBe(true);
    }
  });
});

describe('sysbench', () => {
  it('runs the CPU benchmark unprivileged in a loop that always pauses', () => {
    const objects = synth('sysbench', 2, { threads: 8 });
    expect(vmNames(objects)).toEqual(['virtwork-sysbench-0', 'virtwork-sysbench-1']);
    const unit = unitOf(userData(objects, 'virtwork-sysbench-0'), 'virtwork-sysbench-workload.service');
    expect(unit).toMatch(/^DynamicUser=yes$/m);
    expect(execLines(unit)).toEqual([['/bin/bash', '-c',
      'while true; do sysbench cpu --threads=8 --cpu-max-prime=10000 --time=60 run && virtwork-heartbeat sysbench; sleep 10; done']]);
    // Ready while runs succeed: the heartbeat fresh within two rounds of 60 s + 10 s and two minutes, and writable
    // although DynamicUser makes the rest of the file system read-only
    expect(unit).toMatch(/^ReadWritePaths=\/run\/virtwork\/heartbeat$/m);
    expect(readinessChecks(userData(objects, 'virtwork-sysbench-0'))).toEqual([{ kind: 'heartbeat', name: 'sysbench', within: 260, what: 'sysbench run' }]);
  });
});

describe('redis-bench (the reference defects fixed)', () => {
  it('scales with vmCount: N servers and N clients', () => {
    expect(vmNames(synth('redis-bench', 3))).toEqual([
      'virtwork-redis-bench-server-0', 'virtwork-redis-bench-server-1', 'virtwork-redis-bench-server-2',
      'virtwork-redis-bench-client-0', 'virtwork-redis-bench-client-1', 'virtwork-redis-bench-client-2',
    ]);
  });

  it('gives storage to the servers only', () => {
    expect(dataVolumes(synth('redis-bench', 2))).toEqual(['redis-data-virtwork-redis-bench-server-0', 'redis-data-virtwork-redis-bench-server-1']);
  });

  it('runs the server as the valkey user, with only the chown of the data disk privileged', () => {
    const unit = unitOf(userData(synth('redis-bench'), 'virtwork-redis-bench-server-0'), 'virtwork-redis-bench-server.service');
    expect(unit).toMatch(/^User=valkey$/m);
    expect(execLines(unit)).toEqual([
      ['/usr/bin/chown', 'valkey:valkey', '/var/lib/valkey'],
      ['/usr/bin/valkey-server', '--bind', '0.0.0.0', '--port', '6379', '--protected-mode', 'no', '--dir', '/var/lib/valkey',
        '--appendonly', 'yes', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru'],
    ]);
    expect(unit).toMatch(/^ExecStartPre=\+\/usr\/bin\/chown /m);
  });

  it('pauses after a failed benchmark run too (no busy loop), against the entry\'s own Service', () => {
    const objects = synth('redis-bench', 1, { 'test-mode': 'lpush,lpop' });
    const [[bash, c, loop]] = execLines(unitOf(userData(objects, 'virtwork-redis-bench-client-0'), 'virtwork-redis-bench-client.service'));
    expect([bash, c]).toEqual(['/bin/bash', '-c']);
    expect(loop).toBe('while true; do valkey-benchmark -h virtwork-redis-bench -p 6379 -c 10 -n 100000 ' +
      '-d 256 -P 1 -t lpush,lpop -q && virtwork-heartbeat valkey-benchmark; sleep 30; done');
    expect(loop).not.toMatch(/&& sleep/);
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.spec.selector).toEqual({
      'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/component': 'redis-bench', 'virtwork/role': 'server',
    });
  });

  it('fails when test-mode is not a comma-separated list of test names', () => {
    expect(() => synth('redis-bench', 1, { 'test-mode': 'set,get;flushall' })).toThrow(/^redis-bench\.params\.test-mode: must be a string matching/);
  });
});

describe('nginx-ab', () => {
  it('installs nginx on the servers and ab on the clients only', () => {
    const objects = synth('nginx-ab');
    const server = userData(objects, 'virtwork-nginx-ab-server-0');
    const client = userData(objects, 'virtwork-nginx-ab-client-0');
    expect(server.packages).toContain('nginx');
    expect(server.packages).not.toContain('httpd-tools');
    expect(client.packages).toContain('httpd-tools');
    expect(client.packages).not.toContain('nginx');
    expect(unitOf(server, 'virtwork-nginx-ab-server.service')).toMatch(/^Wants=nginx\.service$/m);
    const script = client.write_files.find((f) => f.path === '/usr/local/bin/virtwork-nginx-ab-client.sh')!.content;
    expect(script).toMatch(/^URL="http:\/\/virtwork-nginx-ab\/virtwork\/payload\.bin"$/m);
    expect(script).toMatch(/^KEEPALIVE=true$/m);
    expect(objects.find((o) => o.kind === 'Service')!.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }]);
  });
});

describe('mariadb-sysbench', () => {
  it('keeps one server on a data disk and scales the clients', () => {
    const objects = synth('mariadb-sysbench', 3);
    expect(vmNames(objects)).toEqual([
      'virtwork-mariadb-sysbench-server-0',
      'virtwork-mariadb-sysbench-client-0', 'virtwork-mariadb-sysbench-client-1', 'virtwork-mariadb-sysbench-client-2',
    ]);
    expect(dataVolumes(objects)).toEqual(['mariadb-data-virtwork-mariadb-sysbench-server-0']);
  });

  it('puts no credential in the manifests and substitutes the server settings', () => {
    const objects = synth('mariadb-sysbench', 1, { 'buffer-pool-size': '2G', test: 'oltp_read_only' });
    const server = userData(objects, 'virtwork-mariadb-sysbench-server-0');
    const setup = server.write_files.find((f) => f.path === '/usr/local/bin/virtwork-mariadb-sysbench-server-setup.sh')!.content;
    expect(setup).toMatch(/^innodb_buffer_pool_size=2G$/m);
    expect(setup).toMatch(/^CREATE USER IF NOT EXISTS 'sbtest'@'%';$/m);
    expect(setup).not.toMatch(/IDENTIFIED/i);
    const client = userData(objects, 'virtwork-mariadb-sysbench-client-0');
    const script = client.write_files.find((f) => f.path === '/usr/local/bin/virtwork-mariadb-sysbench-client.sh')!.content;
    expect(script).toMatch(/sysbench oltp_read_only "\$\{COMMON\[@\]\}"/);
    expect(script).not.toMatch(/--mysql-password/);
  });

  it('fails when the buffer pool size is not a size', () => {
    expect(() => synth('mariadb-sysbench', 1, { 'buffer-pool-size': '2 GB' })).toThrow(/^mariadb-sysbench\.params\.buffer-pool-size: must be a string matching/);
  });
});

describe('READMEs', () => {
  it.each(SHIPPED)('%s README documents every param', (name) => {
    const readme = readFileSync(join(SHIPPED_CATALOG_DIR, name, 'README.md'), 'utf8');
    const [entry] = loadCatalogEntries(SHIPPED_CATALOG_DIR, [name]);
    for (const key of entry.params.keys) expect(readme).toContain(`\`${key}\``);
  });
});
