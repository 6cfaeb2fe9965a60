import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './_run';

// The linked @kubernetes/client-node of the compiled virtwork-apply (lib/cluster/_client-node-prelink.ts,
// scripts/prelink-client-node.mjs). What runs is the compiled build/ of `npm run build` (npm ci runs it), in plain
// Node processes: jest's module registry is not Node's require cache, which the prelink fills.

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'build');
const VENDOR = path.join(BUILD, 'vendor');
const PRELINK = path.join(BUILD, 'lib', 'cluster', '_client-node-prelink.js');
const SCRIPT = path.join(ROOT, 'scripts', 'prelink-client-node.mjs');

/** Runs `code` (CommonJS) in a plain Node process from the project root, answering what it printed as JSON. */
function nodeJson(code: string, env: NodeJS.ProcessEnv = {}): unknown {
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`node -e exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

/**
 * Runs the prelink script on the compiled tree `build`, from `/`: what it reads must not depend on the working
 * directory (the packaging test runs it from a scratch directory).
 */
function prelink(build: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [SCRIPT, '--build', build], { cwd: '/', encoding: 'utf8' });
}

/** `usePrelinkedClientNode(vendorDir)` in a fresh process: its outcome, and whether require() then answers the linked file. */
function outcomeIn(vendorDir: string, env: NodeJS.ProcessEnv = {}): { outcome: string; linked: boolean; kubeConfig: string } {
  return nodeJson(`
    const outcome = require(${JSON.stringify(PRELINK)}).usePrelinkedClientNode(${JSON.stringify(vendorDir)});
    const k8s = require('@kubernetes/client-node');
    const linked = require(${JSON.stringify(path.join(VENDOR, 'client-node.cjs'))});
    console.log(JSON.stringify({ outcome, linked: k8s.KubeConfig === linked.KubeConfig, kubeConfig: typeof k8s.KubeConfig }));
  `, env) as { outcome: string; linked: boolean; kubeConfig: string };
}

describe('the linked @kubernetes/client-node of the compiled virtwork-apply', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(PRELINK) || !fs.existsSync(path.join(VENDOR, 'client-node.json'))) {
      throw new Error(`${path.relative(ROOT, VENDOR)}/client-node.json is missing: run \`npm run build\` (npm ci runs it)`);
    }
    dir = scratchDir('prelink');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds every export of the package that build/ uses, each the same kind of value as the package\'s', () => {
    // GIVEN the manifest npm run build wrote, and the installed package
    const manifest = JSON.parse(fs.readFileSync(path.join(VENDOR, 'client-node.json'), 'utf8')) as { version: string; exports: string[] };
    const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8')) as { version: string };
    // WHEN both are loaded side by side
    const kinds = nodeJson(`
      const pkg = require('@kubernetes/client-node');
      const linked = require(${JSON.stringify(path.join(VENDOR, 'client-node.cjs'))});
      const names = ${JSON.stringify(manifest.exports)};
      console.log(JSON.stringify(names.map((n) => [n, typeof pkg[n], typeof linked[n]])));
    `) as Array<[string, string, string]>;
    // THEN it was linked from the installed version, and every name is there, as a function or value like the package's
    expect(manifest.version).toBe(installed.version);
    expect(manifest.exports).toEqual(expect.arrayContaining(['KubeConfig', 'KubernetesObjectApi', 'ApiException', 'Watch']));
    for (const [name, inPackage, inLinked] of kinds) expect([name, inLinked]).toEqual([name, inPackage]);
    // AND every name the compiled cluster modules use through `k8s.` is one of them (or no export of the package)
    const used = new Set<string>();
    for (const file of fs.readdirSync(path.join(BUILD, 'lib'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(BUILD, 'lib', file), 'utf8');
      if (text.includes('require("@kubernetes/client-node")')) for (const m of text.matchAll(/\bk8s\.([A-Za-z_$][\w$]*)/g)) used.add(m[1]);
    }
    const exported = new Set(nodeJson("console.log(JSON.stringify(Object.keys(require('@kubernetes/client-node'))))") as string[]);
    expect([...used].filter((n) => exported.has(n)).sort()).toEqual([...manifest.exports].sort());
  });

  it('answers require() of the package when it was linked from the installed version, and only then', () => {
    // GIVEN the linked file of npm run build, a copy of it that claims another version, a directory without one, and
    // one whose linked file does not compile
    const otherVersion = path.join(dir, 'other');
    fs.mkdirSync(otherVersion);
    fs.copyFileSync(path.join(VENDOR, 'client-node.cjs'), path.join(otherVersion, 'client-node.cjs'));
    const manifest = JSON.parse(fs.readFileSync(path.join(VENDOR, 'client-node.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(otherVersion, 'client-node.json'), JSON.stringify({ ...manifest, version: '0.0.1' }));
    const none = path.join(dir, 'none');
    fs.mkdirSync(none);
    const damaged = path.join(dir, 'damaged');
    fs.mkdirSync(damaged);
    fs.copyFileSync(path.join(VENDOR, 'client-node.json'), path.join(damaged, 'client-node.json'));
    fs.writeFileSync(path.join(damaged, 'client-node.cjs'), 'module.exports = (;\n');
    // WHEN a fresh process asks for the package after the prelink, each way
    // THEN the same version is linked; another version, none built, a damaged file or VIRTWORK_PRELINK=0 leave the
    // package to load
    expect(outcomeIn(VENDOR)).toEqual({ outcome: 'used', linked: true, kubeConfig: 'function' });
    expect(outcomeIn(otherVersion)).toEqual({ outcome: 'other version installed', linked: false, kubeConfig: 'function' });
    expect(outcomeIn(none)).toEqual({ outcome: 'not built', linked: false, kubeConfig: 'function' });
    expect(outcomeIn(damaged)).toEqual({ outcome: 'unreadable', linked: false, kubeConfig: 'function' });
    expect(outcomeIn(VENDOR, { VIRTWORK_PRELINK: '0' })).toEqual({ outcome: 'disabled', linked: false, kubeConfig: 'function' });
  });

  it('is what the compiled bin runs: its cluster modules get the linked file, and it still works', () => {
    // GIVEN a hook that records, when the process exits, whether require() of the package answers the linked file
    const hook = path.join(dir, 'hook.js');
    const report = path.join(dir, 'report.json');
    fs.writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(
      require(require.resolve('@kubernetes/client-node', { paths: [${JSON.stringify(BUILD)}] })).KubeConfig === require(${JSON.stringify(path.join(VENDOR, 'client-node.cjs'))}).KubeConfig)));\n`);
    const bin = (env: NodeJS.ProcessEnv = {}) => {
      const r = spawnSync(process.execPath, ['--require', hook, path.join(BUILD, 'bin', 'virtwork-apply.js'), 'status', '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
      return { status: r.status, usage: r.stdout.split('\n')[0], linked: JSON.parse(fs.readFileSync(report, 'utf8')) as boolean };
    };
    // WHEN the compiled bin runs, and again with VIRTWORK_PRELINK=0
    // THEN the first ran on the linked file, the second on the package, both answering the same
    expect(bin()).toEqual({ status: 0, usage: 'Usage: virtwork-apply status [options]', linked: true });
    expect(bin({ VIRTWORK_PRELINK: '0' })).toEqual({ status: 0, usage: 'Usage: virtwork-apply status [options]', linked: false });
  });

  it('refuses to link when a compiled module binds the package other than as one namespace named k8s, naming it', () => {
    // GIVEN a compiled tree whose module destructures the package (its uses could not be read off it)
    const build = path.join(dir, 'build');
    fs.mkdirSync(path.join(build, 'lib'), { recursive: true });
    fs.mkdirSync(path.join(build, 'bin'));
    fs.writeFileSync(path.join(build, 'lib', 'x.js'), 'const { KubeConfig } = require("@kubernetes/client-node");\nnew KubeConfig();\n');
    // WHEN the prelink script runs on it
    const r = prelink(build);
    // THEN it exits 1 with one line naming the file, and links nothing
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^prelink-client-node: .*build\/lib\/x\.js requires @kubernetes\/client-node other than as `import \* as k8s from '@kubernetes\/client-node'`/)]);
    expect(fs.existsSync(path.join(build, 'vendor'))).toBe(false);
  });

  it('links exactly the names a compiled tree uses that the package exports', () => {
    // GIVEN a compiled tree using two exports, a comment mentioning k8s.io, and no other module of the package
    const build = path.join(dir, 'small');
    fs.mkdirSync(path.join(build, 'lib'), { recursive: true });
    fs.mkdirSync(path.join(build, 'bin'));
    fs.writeFileSync(path.join(build, 'lib', 'y.js'), [
      'const k8s = __importStar(require("@kubernetes/client-node"));',
      '// see https://k8s.io/docs',
      'module.exports = () => [new k8s.KubeConfig(), k8s.PatchStrategy.ServerSideApply];', '',
    ].join('\n'));
    // WHEN the prelink script runs on it
    const r = prelink(build);
    // THEN the manifest lists those two exports, and the linked file answers them
    expect(r.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(build, 'vendor', 'client-node.json'), 'utf8')) as { exports: string[] };
    expect(manifest.exports).toEqual(['KubeConfig', 'PatchStrategy']);
    const linked = nodeJson(`const l = require(${JSON.stringify(path.join(build, 'vendor', 'client-node.cjs'))}); console.log(JSON.stringify([typeof l.KubeConfig, l.PatchStrategy.ServerSideApply]))`);
    expect(linked).toEqual(['function', 'application/apply-patch+yaml']);
    // AND the licenses of what it holds, client-node's first
    const licenses = fs.readFileSync(path.join(build, 'vendor', 'client-node.LICENSES.txt'), 'utf8');
    expect(licenses.split('\n')[0]).toMatch(/^@kubernetes\/client-node \d+\.\d+\.\d+ \(Apache-2\.0\)$/);
    expect(licenses).toContain('Apache License');
  });
});
