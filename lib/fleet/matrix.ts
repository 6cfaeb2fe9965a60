import { VirtworkError, show } from '../core/errors';
import { MAX_FLEET_VMS } from './mix';

/** One axis of a matrix: a key and the values it takes, in order. */
export interface MatrixAxis {
  /** What varies: a prop or setting name, or `params.<key>`. */
  readonly key: string;
  /** Its values; each gives one column of cells. */
  readonly values: readonly unknown[];
}

/** One cell of a matrix: a generated name and one value per axis. */
export interface MatrixCell {
  /** The cell's part of the instance name: each axis value's name part joined by '-', e.g. `fast-large`. */
  readonly name: string;
  /** Axis key → value, in axis order. */
  readonly values: ReadonlyMap<string, unknown>;
}

/**
 * The cartesian product of the axes, in order (the first axis varies slowest), each cell named from its values
 * (see valueName). Deterministic, and a cell's name depends only on its own values, so adding a value to an axis
 * adds cells without renaming the others. Fails with one line naming `where` and the key when an axis is empty,
 * a value is given twice, two cells get the same name, or `cells × cellVms` (the VMs of each cell) exceeds MAX_FLEET_VMS.
 */
export function matrixCells(where: string, axes: readonly MatrixAxis[], cellVms: number): MatrixCell[] {
  if (axes.length === 0) throw new VirtworkError(`${where}: a matrix needs at least one axis (a key with a list of values)`);
  let cells: Array<{ parts: string[]; values: Map<string, unknown> }> = [{ parts: [], values: new Map() }];
  for (const axis of axes) {
    const at = `${where}.${axis.key}`;
    if (!Array.isArray(axis.values) || axis.values.length === 0) throw new VirtworkError(`${at}: must be a non-empty list of values, got ${show(axis.values)}`);
    const seen = new Map<string, unknown>();
    for (const v of axis.values) {
      const part = valueName(at, v);
      if (seen.has(part)) {
        throw new VirtworkError(`${at}: values ${show(seen.get(part))} and ${show(v)} would give cells the same name ${show(part)}; give distinct values`);
      }
      seen.set(part, v);
    }
    if (cells.length * axis.values.length * cellVms > MAX_FLEET_VMS) {
      const total = axes.reduce((n, a) => n * (Array.isArray(a.values) ? a.values.length : 1), 1);
      throw new VirtworkError(`${where}: ${total} cells × ${cellVms} VMs is over the limit of ${MAX_FLEET_VMS} VMs of a fleet`);
    }
    cells = cells.flatMap((c) => axis.values.map((v) => ({ parts: [...c.parts, valueName(at, v)], values: new Map([...c.values, [axis.key, v]]) })));
  }
  const named = new Map<string, Map<string, unknown>>();
  for (const c of cells) {
    const name = c.parts.join('-');
    const other = named.get(name);
    if (other) {
      throw new VirtworkError(`${where}: cells ${showCell(other)} and ${showCell(c.values)} would both be named ${show(name)}; give values whose names differ`);
    }
    named.set(name, c.values);
  }
  return [...named].map(([name, values]) => ({ name, values }));
}

function showCell(values: ReadonlyMap<string, unknown>): string {
  return `{${[...values].map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`;
}

/**
 * The name part of an axis value: its text (an object's leaf values joined by '-'), lowercased, every run of
 * characters other than letters and digits turned into one '-' (`u1.medium` → `u1-medium`, `1Gi` → `1gi`).
 */
export function valueName(where: string, value: unknown): string {
  const leaves = (v: unknown): string[] => {
    if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>).flatMap(leaves);
    return [String(v)];
  };
  const name = leaves(value).join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (name === '') throw new VirtworkError(`${where}: value ${show(value)} gives no name for its cells (it needs a letter or a digit)`);
  return name;
}
