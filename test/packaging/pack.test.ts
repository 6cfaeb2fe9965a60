import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { packageInfo } from '../../lib/core/_package';
import { readTree, scratch } from '../cli/_run';
import { K8sObject, parseManifests, schemaProblems } from '../support/validators';
import { NodeRelease, nodeRelease } from '../support/node-release';
import { isCi } from '../harness/cluster-env';

// The package as users get it: compiled with the project's compiler options, packed with `npm pack`, installed
// from the npm cache (--prefer-offline) into a scratch cdk8s app written in TypeScript (type-checked strictly, the
// package's declarations included, without @types/node), and its bins run there; then the same app, compiler and bins
// under Node 22 (the other LTS of `engines`; CI's own Node is 20), from the npm registry's official binary package.

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const MINUTES = 60_000;

let tmp: string;
let cleanup: () => void;
let tarball: string;
let packed: string[];
let app: string;

/** The Node 22 release the package is proven on (`engines` covers 20 and 22), cached in ~/.cache/virtwork. */
const NODE_22 = '22.23.5';
const node22: NodeRelease = nodeRelease(NODE_22);

/** Runs a command, failing the test with its output when it exits non-zero. */
function run(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, [...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 5 * MINUTES });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(() => {
  ({ dir: tmp, cleanup } = scratch('virtwork-pack-'));
  // GIVEN the package compiled from lib/, bin/ and imports/ (tests left out) and packed with npm pack
  const pkg = join(tmp, 'pkg');
  writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    compilerOptions: { outDir: join(pkg, 'build'), rootDir: ROOT, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
    include: ['lib', 'bin', 'imports'].map((d) => join(ROOT, d, '**', '*.ts')),
  }));
  run(join(BIN, 'tsc'), ['-p', join(tmp, 'tsconfig.json')], tmp);
  run(process.execPath, [join(ROOT, 'scripts', 'prelink-client-node.mjs'), '--build', join(pkg, 'build')], tmp);
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'catalog'), join(pkg, 'catalog'), { recursive: true });
  for (const doc of ['README.md', 'LICENSE']) if (existsSync(join(ROOT, doc))) copyFileSync(join(ROOT, doc), join(pkg, doc));
  const out = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], pkg).stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(tmp, out[0].filename);
  packed = out[0].files.map((f) => f.path).sort();

  // AND a scratch app that depends on the tarball, installed from the npm cache first (the registry only for what is not cached yet, e.g. on a fresh CI machine)
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, dependencies: { virtwork: `file:${tarball}` } }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
}, 15 * MINUTES);

afterAll(() => cleanup?.());

/** The done-when app of issue 17: two cpu instances, two network instances and a 50-VM mix in one cdk8s app. */
const FLEET_APP = [
  "import { App, Chart } from 'cdk8s';",
  "import { CpuWorkload, DiskWorkload, Fleet, MemoryWorkload, NetworkWorkload } from 'virtwork';",
  "const app = new App({ outdir: 'dist-fleet' });",
  "const chart = new Chart(app, 'load', { namespace: 'scratch', disableResourceNameHashes: true });",
  "new CpuWorkload(chart, 'cpu-light', { vmCount: 2, params: { 'cpu-load-percent': 20 } });",
  "new CpuWorkload(chart, 'cpu-heavy', { size: 'large' });",
  "new NetworkWorkload(chart, 'net-a', { vmCount: 2 });",
  "new NetworkWorkload(chart, 'net-b', { vmCount: 3, params: { 'parallel-streams': 8 } });",
  "const mix = new Fleet(chart, 'mixed', { mix: { vmCount: 50, members: [",
  "  { name: 'light', workload: CpuWorkload, share: '60%', props: { params: { 'cpu-load-percent': 30 } } },",
  "  { name: 'mem', workload: MemoryWorkload, share: '30%' },",
  "  { name: 'disk', workload: DiskWorkload, share: '10%' },",
  '] } });',
  'console.log(JSON.stringify(mix.instances));',
  'app.synth();',
  '',
].join('\n');

describe('npm pack', () => {
  it('holds the compiled JavaScript, the type declarations, the bins and the catalog, and no sources or tests', () => {
    expect(packed).toEqual(expect.arrayContaining([
      'package.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/workloads/cpu.d.ts', 'build/lib/catalog/catalog-workload.js',
      'build/bin/virtwork.js', 'build/imports/kubevirt.io.js', 'catalog/redis-bench/workload.yaml',
      'build/vendor/client-node.cjs', 'build/vendor/client-node.json', 'build/vendor/client-node.LICENSES.txt',
    ]));
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((f) => /^(test|build\/test|build\/apps|lib|scripts|dist)\//.test(f))).toEqual([]);
    expect(tarball).toMatch(new RegExp(`virtwork-${packageInfo().version}\\.tgz$`));
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'README.md']));
  });

  it('declares cdk8s and constructs as peers, the cluster packages as optional peers, a license and the Node versions', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'virtwork', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@kubernetes/client-node', 'cdk8s', 'constructs', 'sql.js']);
    expect(pkg.peerDependenciesMeta).toEqual({ '@kubernetes/client-node': { optional: true }, 'sql.js': { optional: true } });
    expect(Object.keys(pkg.dependencies)).not.toEqual(expect.arrayContaining(['cdk8s']));
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(join(app, 'node_modules', 'virtwork', 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.engines.node).toBe('>=20.19 <23');
  });
});

describe('the installed package', () => {
  it('serves a TypeScript cdk8s app that uses CpuWorkload, NetworkWorkload, CatalogWorkload and VirtualMachine', () => {
    // GIVEN an app written against the public API, type-checked with the package's declarations
    writeFileSync(join(app, 'main.ts'), [
      "import { App, Chart } from 'cdk8s';",
      "import { CatalogWorkload, CpuWorkload, NetworkWorkload, SHIPPED_CATALOG_DIR, VirtualMachine, loadCatalogEntry, renderCloudConfig } from 'virtwork';",
      "const app = new App({ outdir: 'dist' });",
      "const chart = new Chart(app, 'load', { namespace: 'scratch', disableResourceNameHashes: true });",
      "new CpuWorkload(chart, 'cpu', { vmCount: 2, params: { 'cpu-load-percent': 50 } });",
      "new NetworkWorkload(chart, 'network', { params: { 'parallel-streams': 2 } });",
      "new CatalogWorkload(chart, 'redis', { entry: loadCatalogEntry(SHIPPED_CATALOG_DIR, 'redis-bench'), params: { 'test-mode': 'set,get' } });",
      "new VirtualMachine(chart, 'custom', { name: 'my-vm', workload: 'custom', userData: renderCloudConfig({ packages: ['htop'] }) });",
      'app.synth();',
      '',
    ].join('\n'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      // skipLibCheck off: the package's declarations are type-checked too, with no Node types (types: [])
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, types: [] },
      files: ['main.ts', 'fleet.ts'],
    }));

    writeFileSync(join(app, 'fleet.ts'), FLEET_APP);
    // WHEN it is compiled and run
    run(join(BIN, 'tsc'), ['-p', 'tsconfig.json'], app);
    run(process.execPath, ['main.js'], app);

    // THEN it synthesized every construct's objects into the app's own output
    const objs = parseManifests(readFileSync(join(app, 'dist', 'load.k8s.yaml'), 'utf8'));
    const names = (kind: string) => objs.filter((o: K8sObject) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('VirtualMachine')).toEqual(expect.arrayContaining(['my-vm', 'virtwork-cpu-0', 'virtwork-cpu-1', 'virtwork-network-server-0', 'virtwork-network-client-0']));
    // (the catalog instance is named from its construct id, "redis")
    expect(names('VirtualMachine').filter((n) => n.startsWith('virtwork-redis-')).length).toBeGreaterThan(0);
    expect(names('Service')).toEqual(expect.arrayContaining(['virtwork-iperf3-server', 'virtwork-redis']));
    expect(new Set(objs.map((o) => o.metadata.namespace))).toEqual(new Set(['scratch']));
  });

  it('loads without the cluster layer: importing virtwork never loads @kubernetes/client-node or SQLite', () => {
    const r = run(process.execPath, ['-e', "require('virtwork'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](@kubernetes|sql\\.js)[\\\\/]/.test(k))))"], app);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('runs the virtwork bin: init makes a repository that virtwork synth and cdk8s synth both render', () => {
    // GIVEN a repository made by the installed bin, with the app's packages
    const virtwork = join(app, 'node_modules', '.bin', 'virtwork');
    run(virtwork, ['init', 'gitops'], app);
    const repo = join(app, 'gitops');
    symlinkSync(join(app, 'node_modules'), join(repo, 'node_modules'));
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).devDependencies.virtwork).toBe(`file:vendor/virtwork-${packageInfo().version}.tgz`);

    // WHEN it is synthesized by virtwork synth, and by cdk8s synth through the generated cdk8s.yaml
    run(virtwork, ['synth'], repo);
    const bySynth = readTree(join(repo, 'dist'));
    run(join(BIN, 'cdk8s'), ['synth'], repo);
    const byCdk8s = readTree(join(repo, 'dist'));

    // THEN both give the same files: a namespace, the workloads and a kustomization listing them
    expect(byCdk8s).toEqual(bySynth);
    const resources = parse(bySynth['kustomization.yaml']).resources as string[];
    expect(Object.keys(bySynth).sort()).toEqual([...resources, 'kustomization.yaml'].sort());
    expect(resources[0]).toBe('namespace.yaml');
    // AND the shipped catalog is found from the installed package
    const listed = JSON.parse(run(virtwork, ['workloads', '--json'], repo).stdout) as Array<{ name: string; source: string }>;
    expect(listed.find((w) => w.name === 'redis-bench')?.source).toBe(join(app, 'node_modules', 'virtwork', 'catalog'));
  });

  it('synthesizes the fleet app: no duplicate names, valid against the real CRD schemas, clients on their own servers', () => {
    // GIVEN the fleet app compiled by the first test, WHEN it runs
    const printed = JSON.parse(run(process.execPath, ['fleet.js'], app).stdout) as Array<{ instance: string; count: number; vms: number }>;
    const objs = parseManifests(readFileSync(join(app, 'dist-fleet', 'load.k8s.yaml'), 'utf8'));

    // THEN the mix is 50 VMs split 30/15/5
    expect(printed.map((i) => [i.instance, i.count, i.vms])).toEqual([['mixed-light', 30, 30], ['mixed-mem', 15, 15], ['mixed-disk', 5, 5]]);
    const vms = objs.filter((o) => o.kind === 'VirtualMachine');
    expect(vms).toHaveLength(2 + 1 + 4 + 6 + 50);
    // AND no two objects share kind, namespace and name, and every object passes its schema (KubeVirt / CDI CRDs, core)
    const keys = objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(keys.length - new Set(keys).size).toBe(0);
    expect(objs.flatMap((o) => schemaProblems(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
    // AND every network client reaches, through its Service, the server of its own instance with its own index
    const clients = vms.filter((v) => v.metadata.labels['virtwork/role'] === 'client');
    expect(clients).toHaveLength(5);
    for (const client of clients) {
      const secret = objs.find((o) => o.kind === 'Secret' && o.metadata.name === `${client.metadata.name}-cloudinit`)!;
      const host = /iperf3 -c (\S+)/.exec(secret.stringData.userdata)![1];
      const service = objs.find((o) => o.kind === 'Service' && o.metadata.name === host.split('.')[0])!;
      const server = vms.find((v) => v.metadata.name === service.spec.selector['vm.kubevirt.io/name'])!;
      expect(server.metadata.labels['virtwork/instance']).toBe(client.metadata.labels['virtwork/instance']);
      expect(service.spec.selector['virtwork/instance']).toBe(client.metadata.labels['virtwork/instance']);
      expect(server.metadata.name).toBe(client.metadata.name.replace('-client-', '-server-'));
    }
  });

  it('installs neither @kubernetes/client-node nor sql.js, and one copy of cdk8s and constructs', () => {
    const modules = join(app, 'node_modules');
    expect(existsSync(join(modules, '@kubernetes', 'client-node'))).toBe(false);
    expect(existsSync(join(modules, 'sql.js'))).toBe(false);
    const copies = (name: string) => JSON.stringify(JSON.parse(run('npm', ['ls', name, '--all', '--json'], app).stdout)).match(new RegExp(`"${name}":\\{"version":"([^"]+)"`, 'g')) ?? [];
    for (const name of ['cdk8s', 'constructs']) expect(new Set(copies(name)).size).toBe(1);
  });

  it('virtwork-apply says in one line what to install when the cluster packages are missing, and runs once they are', () => {
    const apply = join(app, 'node_modules', '.bin', 'virtwork-apply');
    const missing = spawnSync(apply, ['--help'], { cwd: app, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      'virtwork-apply: needs @kubernetes/client-node and sql.js (optional peer dependencies of virtwork, not installed with it): ' +
        `npm install @kubernetes/client-node@${packageInfo().peerDependencies['@kubernetes/client-node']} sql.js@${packageInfo().peerDependencies['sql.js']}`,
    ]);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '@kubernetes/client-node', 'sql.js'], app);
    expect(run(apply, ['--help'], app).stdout).toMatch(/^Usage: virtwork-apply/);
    // AND it runs on the client-node linked into the package exactly when that is the version the app installed
    const linkedFrom = (JSON.parse(readFileSync(join(app, 'node_modules', 'virtwork', 'build', 'vendor', 'client-node.json'), 'utf8')) as { version: string }).version;
    const installed = (JSON.parse(readFileSync(join(app, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8')) as { version: string }).version;
    const outcome = run(process.execPath, ['-e', "console.log(require('virtwork/build/lib/cluster/_client-node-prelink.js').usePrelinkedClientNode())"], app).stdout.trim();
    expect(outcome).toBe(installed === linkedFrom ? 'used' : 'other version installed');
  }, 10 * MINUTES);
});

/**
 * `describe` for tests that need another Node release: skipped, with what is missing in the block name, when it
 * could not be had (no npm registry); in CI (CI=true) its one test fails with that reason instead.
 */
function describeUnderNode(release: NodeRelease, name: string, fn: (node: string) => void): void {
  if ('node' in release) return describe(name, () => fn(release.node));
  if (isCi()) return describe(name, () => it('has the Node release', () => { throw new Error(release.missing); }));
  console.warn(`${name}: skipped: ${release.missing}`);
  // skipped on purpose outside CI, with the reason (what is missing) in the block name
  describe.skip(`${name} (skipped: ${release.missing})`, () => fn(''));
}

describeUnderNode(node22, `the installed package under Node ${NODE_22}`, (node) => {
  it('type-checks the consumer apps strictly (types: []) and synthesizes them byte-identically to Node 20', () => {
    // GIVEN the two apps of the tests above, already compiled and run under Node 20 (main.ts, fleet.ts, their tsconfig)
    expect(run(node, ['--version'], app).stdout.trim()).toBe(`v${NODE_22}`);
    // WHEN TypeScript runs under Node 22 on the same strict tsconfig, and Node 22 runs what it emitted
    run(node, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', 'node22'], app);
    const out = join(app, 'node22');
    run(node, ['main.js'], out);
    const printed = JSON.parse(run(node, ['fleet.js'], out).stdout) as Array<{ instance: string; vms: number }>;
    // THEN the manifests are byte-identical to Node 20's, the 50-VM mix included
    expect(readFileSync(join(out, 'dist', 'load.k8s.yaml'), 'utf8')).toBe(readFileSync(join(app, 'dist', 'load.k8s.yaml'), 'utf8'));
    expect(readFileSync(join(out, 'dist-fleet', 'load.k8s.yaml'), 'utf8')).toBe(readFileSync(join(app, 'dist-fleet', 'load.k8s.yaml'), 'utf8'));
    expect(printed.reduce((n, i) => n + i.vms, 0)).toBe(50);
  }, 5 * MINUTES);

  it('runs the bins: virtwork synth writes what it writes under Node 20, virtwork-apply loads its cluster packages', () => {
    const bin = (name: string) => join(app, 'node_modules', 'virtwork', 'build', 'bin', `${name}.js`);
    run(node, [bin('virtwork'), 'synth', '-d', 'cli-node22'], app);
    run(process.execPath, [bin('virtwork'), 'synth', '-d', 'cli-node20'], app);
    expect(readTree(join(app, 'cli-node22'))).toEqual(readTree(join(app, 'cli-node20')));
    // (@kubernetes/client-node is ESM-only, loaded with require(): installed into the app by the last test above)
    expect(run(node, [bin('virtwork-apply'), '--help'], app).stdout).toMatch(/^Usage: virtwork-apply/);
    const loaded = run(node, ['-e', "require('virtwork'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](@kubernetes|sql\\.js)[\\\\/]/.test(k))))"], app);
    expect(JSON.parse(loaded.stdout)).toEqual([]);
  }, 5 * MINUTES);
});
