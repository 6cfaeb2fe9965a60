import { Dirent, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { didYouMean } from '../core/_suggest';
import { CatalogCheck, CatalogEntry, checkCatalogEntry } from './catalog-entry';
import { CatalogSource } from './catalog-source';

/**
 * The catalog shipped with virtwork (`catalog/` at the package root), found relative to this file so that it
 * works from the sources (`lib/catalog/`), from the compiled `build/lib/catalog/` and from an installed package.
 */
export const SHIPPED_CATALOG_DIR = catalogDirOf(__dirname);

/**
 * The shipped catalog seen from the directory of this module: `<root>/lib/catalog` or `<root>/build/lib/catalog`
 * → `<root>/catalog` (path arithmetic only, no file access).
 */
export function catalogDirOf(moduleDir: string): string {
  const up2 = resolve(moduleDir, '..', '..');
  return join(basename(up2) === 'build' ? resolve(up2, '..') : up2, 'catalog');
}

/** The entries of a catalog directory: its sub-directories, sorted (hidden ones left out). */
export function listCatalogEntries(dir: string): string[] {
  return readCatalogDir(dir)
    .filter((d) => isDirectory(dir, d) && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** Reads the files of one entry (edge). Throws a VirtworkError when the entry does not exist. */
export function readCatalogSource(dir: string, name: string): CatalogSource {
  const location = join(dir, name);
  let stat;
  try {
    stat = statSync(location);
  } catch {
    const entries = listCatalogEntries(dir);
    throw new VirtworkError(`catalog entry ${show(name)} not found in ${dir}${didYouMean(name, entries)}; entries: ${entries.join(', ') || 'none'}`);
  }
  if (!stat.isDirectory()) throw new VirtworkError(`${location}: a catalog entry must be a directory (of *.service units and an optional workload.yaml)`);
  const files = new Map<string, string>();
  const directories: string[] = [];
  for (const d of readdirSync(location, { withFileTypes: true })) {
    if (isDirectory(location, d)) directories.push(d.name);
    else if (d.isFile() || d.isSymbolicLink()) files.set(d.name, readText(join(location, d.name)));
  }
  return { name, location, files, directories: directories.filter((n) => !n.startsWith('.')).sort() };
}

/** Reads and checks one entry, returning every error and warning (used by `virtwork validate`). */
export function inspectCatalogEntry(dir: string, name: string): CatalogCheck {
  try {
    return checkCatalogEntry(readCatalogSource(dir, name));
  } catch (err) {
    if (err instanceof VirtworkError) return { errors: [err.message], warnings: [] };
    throw err;
  }
}

/** Loads one entry, or throws a VirtworkError listing every error (file, field, value). */
export function loadCatalogEntry(dir: string, name: string): CatalogEntry {
  const check = inspectCatalogEntry(dir, name);
  if (!check.entry) throw new VirtworkError(check.errors.join('\n'));
  return check.entry;
}

/**
 * Loads the named entries of a catalog directory (edge: reads files). Every entry is checked before anything
 * is returned, so one broken entry fails the whole selection with every problem listed; a name given twice is
 * an error. Entry names that shadow a built-in workload are rejected by the entry checks.
 */
export function loadCatalogEntries(dir: string, names: readonly string[]): CatalogEntry[] {
  const problems: string[] = [];
  const loaded: CatalogEntry[] = [];
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      problems.push(`catalog entry ${show(name)} is selected twice`);
      return;
    }
    const check = inspectCatalogEntry(dir, name);
    if (check.entry) loaded.push(check.entry);
    else problems.push(...check.errors);
  });
  if (problems.length > 0) throw new VirtworkError(problems.join('\n'));
  return loaded;
}

function readCatalogDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VirtworkError(`catalog directory ${dir} does not exist`);
    if (code === 'ENOTDIR') throw new VirtworkError(`catalog directory ${dir} is not a directory`);
    throw new VirtworkError(`catalog directory ${dir} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

function isDirectory(parent: string, d: Dirent): boolean {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  try {
    return statSync(join(parent, d.name)).isDirectory();
  } catch {
    return false;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new VirtworkError(`${file}: cannot be read: ${(err as Error).message}`, { cause: err });
  }
}
