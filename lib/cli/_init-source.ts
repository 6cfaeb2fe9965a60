import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { packageInfo } from '../core/_package';

/** Directory of a new repository that holds the virtwork tarball it depends on (committed, so `npm ci` works). */
export const VENDOR_DIR = 'vendor';

/** Where the virtwork package of a new repository comes from. */
export interface InitSource {
  /** Path of the tarball, relative to the repository (`vendor/virtwork-<version>.tgz`). */
  readonly tarball: string;
  /** What was packed or copied, for the message. */
  readonly from: string;
}

/**
 * Puts a virtwork tarball into `<repo>/vendor/`: `from` is a tarball (copied), or a virtwork package directory
 * (packed with `npm pack`); without `from`, the running virtwork itself — a git checkout (packed with its
 * `prepare` build, so the tarball holds the code of the checkout) or an installed copy (packed as installed).
 */
export function vendorVirtwork(repo: string, from: string | undefined, cwd: string): InitSource {
  const source = from === undefined ? packageInfo().root : resolve(cwd, from);
  const shown = from ?? source;
  if (!existsSync(source)) throw new VirtworkError(`--from: ${show(shown)} does not exist (give a virtwork directory or a virtwork-*.tgz from npm pack)`);
  const vendor = join(repo, VENDOR_DIR);
  mkdirSync(vendor, { recursive: true });
  if (statSync(source).isFile()) {
    if (!/\.tgz$/.test(source)) throw new VirtworkError(`--from: ${show(shown)} is not a .tgz tarball (give a virtwork directory or a virtwork-*.tgz from npm pack)`);
    copyFileSync(source, join(vendor, basename(source)));
    return { tarball: `${VENDOR_DIR}/${basename(source)}`, from: shown };
  }
  const manifest = join(source, 'package.json');
  const name = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name : undefined;
  if (name !== 'virtwork') throw new VirtworkError(`--from: ${show(shown)} is not a virtwork package directory (its package.json names ${show(name ?? null)})`);
  const checkout = existsSync(join(source, 'tsconfig.build.json')) && existsSync(join(source, 'node_modules', 'typescript'));
  const args = ['pack', '--json', '--pack-destination', vendor, ...(checkout ? [] : ['--ignore-scripts'])];
  const r = spawnSync('npm', args, { cwd: source, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`;
    throw new VirtworkError(`npm pack of ${source} failed: ${why}`);
  }
  const json = r.stdout.slice(Math.max(0, r.stdout.search(/^\[\s*\{/m)));
  const file = (JSON.parse(json) as Array<{ filename: string }>)[0].filename;
  return { tarball: `${VENDOR_DIR}/${file}`, from: shown };
}

/** Runs `git init` in `dir` unless it is inside a work tree already; says which it was (undefined without git). */
export function gitInit(dir: string): 'initialized' | 'inside' | undefined {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8' });
  if (inside.error) return undefined;
  if (inside.status === 0 && inside.stdout.trim() === 'true') return 'inside';
  const r = spawnSync('git', ['init', '-q'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new VirtworkError(`git init in ${dir} failed: ${(r.stderr || '').trim()}`);
  return 'initialized';
}
