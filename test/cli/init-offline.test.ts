import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { packageInfo } from '../../lib/core/_package';
import { readTree, scratch } from './_run';

// A new user's first steps: `virtwork init` from this checkout (packed into vendor/: virtwork itself comes from no
// registry), `npm install` (the other packages from the npm cache where `npm ci` of this project put them, the
// registry only for what npm ci does not cache: the package metadata npm resolves versions with), then, with the
// registry cut off, `npm ci --offline` of the lock it wrote and `npx --offline virtwork synth`.

const ROOT = resolve(__dirname, '..', '..');
const MINUTES = 60_000;

function run(cmd: string, args: readonly string[], cwd: string, offline = true): SpawnSyncReturns<string> {
  const env = offline ? { ...process.env, npm_config_offline: 'true' } : { ...process.env, npm_config_prefer_offline: 'true' };
  const r = spawnSync(cmd, [...args], { cwd, encoding: 'utf8', env, timeout: 5 * MINUTES });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe('virtwork init, offline', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = scratch('virtwork-init-offline-')));
  afterAll(() => cleanup());

  it('makes a repository that installs from the npm cache and synthesizes, as the printed next steps say', () => {
    // GIVEN a repository made by this checkout's virtwork (default: it packs itself into vendor/)
    const init = run(process.execPath, ['--import', require.resolve('tsx'), join(ROOT, 'bin/virtwork.ts'), 'init', 'my-load'], dir);
    const repo = join(dir, 'my-load');
    const tarball = `vendor/virtwork-${packageInfo().version}.tgz`;
    expect(existsSync(join(repo, tarball))).toBe(true);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).devDependencies.virtwork).toBe(`file:${tarball}`);

    // WHEN the printed next steps run (without the commit): npm install once, then with the registry cut off a clean
    // reinstall from the lock it wrote (what the generated CI does) and the synthesis
    const next = /^next: (.*)$/m.exec(init.stdout)![1];
    expect(next).toBe('cd my-load && npm install && npx virtwork synth && git add -A && git commit -m "virtwork: initial dist/"');
    run('npm', ['install', '--no-audit', '--no-fund'], repo, false);
    const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/virtwork'].resolved).toBe(`file:${tarball}`);
    rmSync(join(repo, 'node_modules'), { recursive: true, force: true });
    run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], repo);
    const synth = run('npx', ['--offline', 'virtwork', 'synth'], repo);

    // THEN dist/ holds the default workloads, and npm ci (what the generated CI runs) accepts the lock it wrote
    expect(synth.stdout).toMatch(/^wrote 4 files to dist\/: cpu\.yaml, kustomization\.yaml, memory\.yaml, namespace\.yaml$/m);
    expect(parse(readTree(join(repo, 'dist'))['kustomization.yaml']).resources).toEqual(['namespace.yaml', 'cpu.yaml', 'memory.yaml']);
    run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--dry-run'], repo);
    // AND the repository is a git repository whose only untracked things are what the next steps commit
    const status = run('git', ['status', '--porcelain', '--untracked-files=all'], repo).stdout.split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(status).toEqual(expect.arrayContaining(['package-lock.json', tarball, 'dist/cpu.yaml', 'virtwork.yaml']));
    expect(status.filter((f) => f.startsWith('node_modules/'))).toEqual([]);
  }, 10 * MINUTES);
});
