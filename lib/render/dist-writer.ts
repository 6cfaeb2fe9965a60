import { randomBytes } from 'node:crypto';
import { Stats, chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';

const MANIFEST_FILE = /\.ya?ml$/;
const DATA_FILE = /\.(ya?ml|json)$/;

/** Options of {@link writeDist}. */
export interface WriteDistOptions {
  /**
   * The directory holds JSON files too (the signals directory): `*.json` names are allowed, and a directory of
   * `*.yaml` / `*.json` files may be replaced.
   * @default false
   */
  readonly json?: boolean;
  /**
   * The files are for the owner only (the `--secrets-out` Secrets): a new directory is 0700 and every file 0600.
   * @default false
   */
  readonly private?: boolean;
}

/**
 * Replaces the directory `outdir` with exactly `files`, atomically: everything is written to a sibling
 * temporary directory first and swapped in with renames, so a failure leaves the previous content
 * untouched and files that are no longer produced disappear.
 *
 * Refuses to replace anything that does not look like a previous output: `outdir` must be missing, or a
 * directory holding only `*.yaml` / `*.yml` files (so `--output .` can never wipe a repository).
 *
 * The new directory keeps the permission bits of the one it replaces (a 0755 `dist/` stays readable by Argo CD's
 * repo server or a web server); a new one gets the umask's default, like `mkdir` (0700 with `private`).
 */
export function writeDist(outdir: string, files: ReadonlyMap<string, string>, o: WriteDistOptions = {}): void {
  const target = resolve(outdir);
  const pattern = o.json ? DATA_FILE : MANIFEST_FILE;
  for (const name of files.keys()) {
    if (!pattern.test(name) || basename(name) !== name || name.startsWith('.')) {
      throw new VirtworkError(`output file name ${show(name)} must be a plain *.yaml${o.json ? ' or *.json' : ''} file name`);
    }
  }
  const previous = checkReplaceable(outdir, target, pattern);
  const exists = previous !== undefined;
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = makeStaging(parent, basename(target), o.private ? 0o700 : 0o777);
  try {
    if (previous) chmodSync(staging, previous.mode & 0o7777);
    for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      writeFileSync(join(staging, name), content, { mode: o.private ? 0o600 : 0o666 });
    }
    const old = exists ? join(parent, basename(staging).replace(/\.new-/, '.old-')) : undefined;
    if (old) renameSync(target, old);
    renameSync(staging, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A fresh sibling directory `.<name>.new-<hex>`, created with `mode` minus the umask (as `mkdir` does; mkdtemp
 * would make it 0700, and the rename would carry that into place).
 */
function makeStaging(parent: string, name: string, mode: number): string {
  for (;;) {
    const dir = join(parent, `.${name}.new-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(dir, { mode });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The stat of `target` when it exists (undefined if not); throws when it exists but is not a directory of manifests only. */
function checkReplaceable(outdir: string, target: string, pattern: RegExp): Stats | undefined {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) throw new VirtworkError(`output ${show(outdir)} exists and is not a directory; choose another output directory`);
  const foreign = readdirSync(target, { withFileTypes: true }).filter((d) => !d.isFile() || !pattern.test(d.name)).map((d) => d.name).sort();
  if (foreign.length > 0) {
    throw new VirtworkError(
      `output ${show(outdir)} holds more than manifests (${foreign.slice(0, 3).map((n) => show(n)).join(', ')}${foreign.length > 3 ? ', …' : ''}); ` +
        'virtwork replaces the whole directory, so choose an empty directory or one it wrote (only *.yaml files)',
    );
  }
  return stat;
}
