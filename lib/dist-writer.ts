import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VirtworkError, show } from './errors';

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
}

/**
 * Replaces the directory `outdir` with exactly `files`, atomically: everything is written to a sibling
 * temporary directory first and swapped in with renames, so a failure leaves the previous content
 * untouched and files that are no longer produced disappear.
 *
 * Refuses to replace anything that does not look like a previous output: `outdir` must be missing, or a
 * directory holding only `*.yaml` / `*.yml` files (so `--output .` can never wipe a repository).
 */
export function writeDist(outdir: string, files: ReadonlyMap<string, string>, o: WriteDistOptions = {}): void {
  const target = resolve(outdir);
  const pattern = o.json ? DATA_FILE : MANIFEST_FILE;
  for (const name of files.keys()) {
    if (!pattern.test(name) || basename(name) !== name || name.startsWith('.')) {
      throw new VirtworkError(`output file name ${show(name)} must be a plain *.yaml${o.json ? ' or *.json' : ''} file name`);
    }
  }
  const exists = checkReplaceable(outdir, target, pattern);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.new-`));
  try {
    for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      writeFileSync(join(staging, name), content);
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

/** Whether `target` exists; throws when it exists but is not a directory of manifests only. */
function checkReplaceable(outdir: string, target: string, pattern: RegExp): boolean {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) throw new VirtworkError(`output ${show(outdir)} exists and is not a directory; choose another output directory`);
  const foreign = readdirSync(target, { withFileTypes: true }).filter((d) => !d.isFile() || !pattern.test(d.name)).map((d) => d.name).sort();
  if (foreign.length > 0) {
    throw new VirtworkError(
      `output ${show(outdir)} holds more than manifests (${foreign.slice(0, 3).map((n) => show(n)).join(', ')}${foreign.length > 3 ? ', …' : ''}); ` +
        'virtwork replaces the whole directory, so choose an empty directory or one it wrote (only *.yaml files)',
    );
  }
  return true;
}
