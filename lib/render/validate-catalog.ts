import { DEFAULT_NAMESPACE } from '../vm/virtual-machine';
import { VirtworkError } from '../core/errors';
import { synthesize } from './synth';
import { CatalogEntry } from '../catalog/catalog-entry';
import { catalogRegistry } from '../catalog/catalog-workload';
import { inspectCatalogEntry, listCatalogEntries } from '../catalog/loader';

/** Outcome of checking one entry: `OK`, `WARN` (usable, but look at the warnings) or `FAIL` (unusable). */
export type CatalogStatus = 'OK' | 'WARN' | 'FAIL';

/** What `virtwork validate` found about one entry. */
export interface CatalogEntryReport {
  /** Entry name. */
  readonly name: string;
  /** Status. */
  readonly status: CatalogStatus;
  /** The entry's description, when it loaded. */
  readonly description?: string;
  /** Errors (each names the file, the field and the value). */
  readonly errors: readonly string[];
  /** Warnings. */
  readonly warnings: readonly string[];
}

/** What `virtwork validate` found about a catalog directory. */
export interface CatalogReport {
  /** The directory checked. */
  readonly dir: string;
  /** One report per entry, in the order checked. */
  readonly entries: readonly CatalogEntryReport[];
  /** True when no entry failed. */
  readonly ok: boolean;
}

/**
 * Checks the named entries of `dir` (all of them by default): schema, units present per role, placeholders
 * declared, declared params used, and a trial synthesis with the default params. Returns data only; a missing
 * directory is a VirtworkError.
 */
export function validateCatalog(dir: string, names?: readonly string[]): CatalogReport {
  const selected = names && names.length > 0 ? [...new Set(names)] : listCatalogEntries(dir);
  const entries = selected.map((name): CatalogEntryReport => {
    const check = inspectCatalogEntry(dir, name);
    const errors = [...check.errors];
    if (check.entry) errors.push(...trialSynthesis(check.entry));
    const status: CatalogStatus = errors.length > 0 ? 'FAIL' : check.warnings.length > 0 ? 'WARN' : 'OK';
    return { name, status, description: check.entry?.description, errors, warnings: [...check.warnings] };
  });
  return { dir, entries, ok: entries.every((e) => e.status !== 'FAIL') };
}

/** Renders the report: a status line per entry, its reasons indented below it, and a summary line. */
export function formatCatalogReport(report: CatalogReport): string {
  if (report.entries.length === 0) return `no catalog entries in ${report.dir}\n`;
  const lines: string[] = [];
  for (const e of report.entries) {
    lines.push(`${e.status.padEnd(4)}  ${e.name}${e.description ? ` - ${e.description}` : ''}`);
    for (const message of [...e.errors, ...e.warnings]) {
      message.split('\n').forEach((line) => lines.push(`      ${line}`));
    }
  }
  const count = (s: CatalogStatus) => report.entries.filter((e) => e.status === s).length;
  const n = report.entries.length;
  lines.push('', `${n} ${n === 1 ? 'entry' : 'entries'} in ${report.dir}: ${count('OK')} OK, ${count('WARN')} WARN, ${count('FAIL')} FAIL`);
  return lines.join('\n') + '\n';
}

/** Synthesizes the entry alone with its default params; returns the problems (none when it renders). */
function trialSynthesis(entry: CatalogEntry): string[] {
  try {
    synthesize({ namespace: DEFAULT_NAMESPACE, workloads: [{ name: entry.name }], registry: catalogRegistry([entry], {}) });
    return [];
  } catch (err) {
    if (err instanceof VirtworkError) return [`${entry.location}: does not synthesize with its default params: ${err.message}`];
    throw err;
  }
}
