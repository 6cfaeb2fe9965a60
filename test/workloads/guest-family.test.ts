import { shellcheckProblems } from '../support/validators';
import { SHIPPED_CATALOG_DIR, catalogRegistry, listCatalogEntries, loadCatalogEntries } from '../../lib/catalog';
import { synthesize } from '../../lib/render/synth';
import { GUEST_FAMILIES, GUEST_FAMILY_TABLE, GuestFamily, familyPackages } from '../../lib/guest/guest-family';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';
import { K8sObject, parseManifests, validateObjects } from '../support/validators';
import { UserData, byKind, fileOf, userData } from './_support';

const SHIPPED = listCatalogEntries(SHIPPED_CATALOG_DIR);
const REGISTRY = catalogRegistry(loadCatalogEntries(SHIPPED_CATALOG_DIR, SHIPPED));
/** What each family cannot run, and the one line that says why. */
const REFUSED: Record<GuestFamily, Record<string, string>> = {
  fedora: {},
  debian: {
    'redis-bench': 'redis-bench (role server): package "valkey" is not available on guest family debian: valkey is not in Debian 12 or Ubuntu 24.04 LTS; use guestFamily fedora',
  },
};

function synth(name: string, guestFamily: GuestFamily): K8sObject[] {
  return parseManifests(synthesize({ namespace: 'virtwork', workloads: [{ name }], registry: REGISTRY, vm: { guestFamily } }).get(`${name}.yaml`)!);
}
const docs = (objs: readonly K8sObject[]): UserData[] => byKind(objs, 'VirtualMachine').map((vm) => userData(objs, vm.metadata.name));

describe.each(GUEST_FAMILIES)('guest family %s', (family) => {
  const names = [...Object.keys(BUILTIN_WORKLOADS), ...SHIPPED].filter((n) => !(n in REFUSED[family]));

  it.each(names)('%s synthesizes user-data that passes cloud-init schema, systemd-analyze verify and shellcheck', (name) => {
    const objs = synth(name, family);
    expect(validateObjects(objs)).toEqual([]);
    for (const doc of docs(objs)) {
      // THEN the packages are this family's names, the agent is started, never restarted, and enabled only where it can be
      expect(doc.packages).toEqual(familyPackages(name, family, doc.packages ?? []));
      expect(doc.runcmd).toContainEqual(['systemctl', 'start', '--no-block', 'qemu-guest-agent.service']);
      expect(doc.runcmd.some((c) => c[1] === 'restart')).toBe(false);
      expect(doc.runcmd.some((c) => c.join(' ') === 'systemctl enable qemu-guest-agent.service')).toBe(family === 'fedora');
    }
  });

  it('fails when a workload it cannot serve is asked for: one clear line each', () => {
    for (const [name, message] of Object.entries(REFUSED[family])) expect(() => synth(name, family)).toThrow(message);
  });
});

describe('guest family debian', () => {
  it('installs Debian package names and keeps Fedora-only packages and files out', () => {
    const packages = [
      ...docs(synth('database', 'debian')), ...docs(synth('chaos-network', 'debian')), ...docs(synth('chaos-process', 'debian')),
      ...docs(synth('nginx-ab', 'debian')), ...docs(synth('mariadb-sysbench', 'debian')),
    ].flatMap((d) => d.packages ?? []);
    expect(packages).toEqual(expect.arrayContaining(['postgresql', 'iproute2', 'procps', 'apache2-utils', 'mariadb-client', 'xfsprogs']));
    for (const fedoraOnly of ['postgresql-server', 'postgresql-contrib', 'iproute-tc', 'kernel-modules-extra', 'procps-ng', 'httpd-tools']) {
      expect(packages).not.toContain(fedoraOnly);
    }
    for (const doc of docs(synth('cpu', 'debian'))) expect(doc.write_files.map((f) => f.path)).not.toContain('/etc/sysconfig/qemu-ga');
  });

  it('puts PostgreSQL on the data disk the Debian way: no package cluster, a drop-in on the cluster template', () => {
    const [doc] = docs(synth('database', 'debian'));
    expect(fileOf(doc, '/etc/postgresql-common/createcluster.d/virtwork.conf')).toMatch(/^create_main_cluster = false$/m);
    expect(fileOf(doc, '/etc/systemd/system/postgresql@.service.d/virtwork.conf')).toMatch(/^Requires=virtwork-database-initdb.service$/m);
    const setup = fileOf(doc, '/usr/local/bin/virtwork-disk-setup-database.sh');
    expect(setup).toContain(`MOUNT_POINT=${GUEST_FAMILY_TABLE.debian.postgresql.dataDir}`);
    const initdb = fileOf(doc, '/usr/local/bin/virtwork-database-initdb.sh');
    expect(initdb).toContain('pg_createcluster -d "$DATA_DIR" "$VERSION" main');
    // a new root disk (containerDisk after a restart) takes the cluster on the data disk over from the configuration
    // kept beside it, because pg_createcluster cannot adopt a data directory without its postgresql.conf
    expect(initdb).toContain('cp -a "$SAVED" "$CONF"');
    expect(initdb).toContain('SAVED="$DATA_DIR/.virtwork-conf"');
    expect(shellcheckProblems(initdb)).toEqual([]);
    expect(initdb).not.toContain('postgresql-setup');
    expect(doc.runcmd).not.toContainEqual(['systemctl', 'enable', 'postgresql.service']);
  });

  it('fails when a workload names a package the family cannot install, naming workload, package and family', () => {
    expect(() => familyPackages('x', 'debian', ['fio', 'valkey'])).toThrow('x: package "valkey" is not available on guest family debian');
    expect(familyPackages('x', 'debian', ['kernel-modules-extra', 'fio', 'fio', 'iproute-tc'])).toEqual(['fio', 'iproute2']);
    expect(familyPackages('x', 'fedora', ['postgresql-server', 'fio'])).toEqual(['postgresql-server', 'postgresql-contrib', 'fio']);
  });

  it('GIVEN tps (netperf is in non-free) THEN cloud-init adds a non-free source on its own mirror and keeps the image sources', () => {
    for (const doc of docs(synth('tps', 'debian'))) {
      expect(doc.packages).toContain('netperf');
      // Debian's netperf starts its own netserver on 12865 (init script): stopped and disabled before virtwork's unit
      // (stop, then disable: `disable --now` left the SysV daemon running in a real Debian guest)
      const stop = doc.runcmd.findIndex((c) => c.join(' ') === 'systemctl stop netperf.service');
      expect(doc.runcmd[stop + 1]).toEqual(['systemctl', 'disable', 'netperf.service']);
      expect(stop).toBeGreaterThan(-1);
      expect(stop).toBeLessThan(doc.runcmd.findIndex((c) => c.join(' ') === 'systemctl enable --now virtwork-tps.service'));
      expect(doc.apt).toEqual({ preserve_sources_list: true, sources: { 'virtwork-non-free': { source: 'deb $MIRROR $RELEASE non-free' } } });
    }
    // no other workload needs it, Fedora never does, and a golden image installs nothing
    expect(docs(synth('network', 'debian')).map((d) => d.apt)).toEqual([undefined, undefined]);
    expect(docs(synth('tps', 'fedora')).map((d) => d.apt)).toEqual([undefined, undefined]);
    expect(docs(synth('tps', 'fedora')).flatMap((d) => d.runcmd).filter((c) => c[1] === 'disable')).toEqual([]);
    const golden = parseManifests(synthesize({ namespace: 'virtwork', workloads: [{ name: 'tps' }], vm: { guestFamily: 'debian', packagesPreinstalled: true } }).get('tps.yaml')!);
    expect(docs(golden).map((d) => [d.apt, d.packages])).toEqual([[undefined, undefined], [undefined, undefined]]);
  });

  it('fails when the family is unknown', () => {
    expect(() => synthesize({ namespace: 'virtwork', workloads: [{ name: 'cpu' }], vm: { guestFamily: 'arch' as GuestFamily } })).toThrow(
      'guestFamily must be one of fedora, debian, got "arch"',
    );
  });
});
