import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { SHIPPED_CATALOG_DIR, listCatalogEntries, loadCatalogEntries } from '../catalog/loader';
import { catalogWorkloadClass } from '../catalog/catalog-workload';
import { BUILTIN_WORKLOADS, WorkloadClass } from '../workloads/_registry';
import { MergedConfig } from './merge';

/** The catalog directories in use, the entries they hold, and the workload classes of the selected ones. */
export interface CatalogSet {
  /** Directories searched: the user's catalog directory (when there is one), then the shipped catalog. */
  readonly dirs: readonly string[];
  /** Entry name → directory that holds it (an entry of the user's directory hides a shipped one of that name). */
  readonly available: ReadonlyMap<string, string>;
  /** Built-in workloads plus the catalog entries that were asked for. */
  readonly registry: Readonly<Record<string, WorkloadClass>>;
}

/** The `catalog/` directory shipped with virtwork, when it exists. */
export function shippedCatalogDir(): string | undefined {
  return existsSync(SHIPPED_CATALOG_DIR) ? SHIPPED_CATALOG_DIR : undefined;
}

/**
 * The user's catalog directory: `catalog-dir` (relative to virtwork.yaml in the file, to the working directory
 * from a flag or variable; it must exist), else `catalog/` next to virtwork.yaml (or in the working directory)
 * when it exists.
 */
export function userCatalogDir(m: MergedConfig): string | undefined {
  const origin = m.origins.catalogDir;
  if (origin !== undefined) {
    const dir = resolve(origin.dir, m.settings.catalogDir!);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new VirtworkError(`${origin.where}: catalog directory ${show(m.settings.catalogDir)} does not exist (resolved to ${dir})`);
    }
    return dir;
  }
  const dir = resolve(m.file?.dir ?? m.cwd, 'catalog');
  const shipped = shippedCatalogDir();
  return existsSync(dir) && statSync(dir).isDirectory() && dir !== shipped ? dir : undefined;
}

/** Lists the catalog entries of the directories in use and loads those named in `names`. */
export function resolveCatalog(m: MergedConfig, names: readonly string[]): CatalogSet {
  const listed = listCatalog(m);
  return { ...listed, registry: { ...BUILTIN_WORKLOADS, ...loadCatalogClasses(listed, names) } };
}

/** The catalog directories in use and their entries (a registry of the built-ins only: nothing is loaded). */
export function listCatalog(m: MergedConfig): CatalogSet {
  const dirs = [userCatalogDir(m), shippedCatalogDir()].filter((d): d is string => d !== undefined);
  const available = new Map<string, string>();
  for (const dir of dirs) {
    for (const entry of listCatalogEntries(dir)) {
      if (entry in BUILTIN_WORKLOADS) {
        throw new VirtworkError(`${join(dir, entry)}: catalog entry ${show(entry)} has the name of a built-in workload; rename its directory`);
      }
      if (!available.has(entry)) available.set(entry, dir);
    }
  }
  return { dirs, available, registry: { ...BUILTIN_WORKLOADS } };
}

/** Loads the workload classes of the catalog entries among `names` (built-in and unknown names are skipped). */
export function loadCatalogClasses(catalog: CatalogSet, names: readonly string[]): Record<string, WorkloadClass> {
  const classes: Record<string, WorkloadClass> = {};
  for (const dir of catalog.dirs) {
    const wanted = names.filter((n) => !(n in BUILTIN_WORKLOADS) && catalog.available.get(n) === dir);
    if (wanted.length === 0) continue;
    for (const entry of loadCatalogEntries(dir, wanted)) {
      const cls = catalogWorkloadClass(entry);
      classes[cls.workloadName] = cls;
    }
  }
  return classes;
}

/** The names a user may select: built-ins then catalog entries, sorted within each. */
export function knownWorkloads(catalog: CatalogSet): string[] {
  return [...Object.keys(BUILTIN_WORKLOADS).sort(), ...[...catalog.available.keys()].sort()];
}
