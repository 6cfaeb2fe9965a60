import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Replaces the directory `outdir` with exactly `files`, atomically: everything is written to a sibling
 * temporary directory first and swapped in with renames, so a failure leaves the previous content
 * untouched and files that are no longer produced disappear.
 */
export function writeDist(outdir: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(outdir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.new-`));
  try {
    for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      writeFileSync(join(staging, name), content);
    }
    const old = existsSync(target) ? `${staging.replace('.new-', '.old-')}` : undefined;
    if (old) renameSync(target, old);
    renameSync(staging, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
