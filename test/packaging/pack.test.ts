import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { packageInfo } from '../../lib/_package';
import { readTree, scratch } from '../cli/_run';
import { K8sObject, parseManifests } from '../support/validators';

// The package as users get it: compiled with the project's compiler options, packed with `npm pack`, installed
// from the npm cache (--prefer-offline) into a scratch cdk8s app written in TypeScript, and its bin run there.

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const MINUTES = 60_000;

let tmp: string;
let cleanup: () => void;
let tarball: string;
let packed: string[];
let app: string;

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

describe('npm pack', () => {
  it('holds the compiled JavaScript, the type declarations, the bins and the catalog, and no sources or tests', () => {
    expect(packed).toEqual(expect.arrayContaining([
      'package.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/workloads/cpu.d.ts', 'build/lib/catalog/catalog-workload.js',
      'build/bin/virtwork.js', 'build/imports/kubevirt.io.js', 'catalog/redis-bench/workload.yaml',
    ]));
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((f) => /^(test|build\/test|build\/apps|lib|scripts|dist)\//.test(f))).toEqual([]);
    expect(tarball).toMatch(new RegExp(`virtwork-${packageInfo().version}\\.tgz$`));
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
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: [] },
      files: ['main.ts'],
    }));

    // WHEN it is compiled and run
    run(join(BIN, 'tsc'), ['-p', 'tsconfig.json'], app);
    run(process.execPath, ['main.js'], app);

    // THEN it synthesized every construct's objects into the app's own output
    const objs = parseManifests(readFileSync(join(app, 'dist', 'load.k8s.yaml'), 'utf8'));
    const names = (kind: string) => objs.filter((o: K8sObject) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('VirtualMachine')).toEqual(expect.arrayContaining(['my-vm', 'virtwork-cpu-0', 'virtwork-cpu-1', 'virtwork-network-server-0', 'virtwork-network-client-0']));
    expect(names('VirtualMachine').filter((n) => n.startsWith('virtwork-redis-bench-')).length).toBeGreaterThan(0);
    expect(names('Service')).toEqual(expect.arrayContaining(['virtwork-iperf3-server', 'virtwork-redis-bench']));
    expect(new Set(objs.map((o) => o.metadata.namespace))).toEqual(new Set(['scratch']));
  });

  it('loads without the cluster layer: importing virtwork never loads @kubernetes/client-node or SQLite', () => {
    const r = run(process.execPath, ['-e', "require('virtwork'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /@kubernetes|sql\\.js/.test(k))))"], app);
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
});
