import { VirtworkError, show } from '../core/errors';
import { MAX_INSTANCE_NAME } from '../core/names';
import type { WorkloadClass } from '../workloads/_registry';
import type { FleetInstance } from './fleet';
import { MatrixAxis, matrixCells } from './matrix';
import { MAX_FLEET_VMS, MAX_INSTANCE_VMS, MixShare, ONE_VM_PER_COUNT, parseMix, roundMix } from './mix';
import { vmsPerCount } from './_vms-per-count';

/** Keys of a fleet in `virtwork.yaml` besides the per-workload settings and `params` it gives every instance. */
export const FLEET_KEYS = ['mix', 'matrix', 'workload', 'vm-count'] as const;
/** Keys of a mix member besides the per-workload settings and `params`. */
export const MEMBER_KEYS = ['workload', 'share'] as const;

/**
 * One instance a fleet of the file expands into: the same row as a Fleet construct's (its `count` and `vms` are 0
 * for a mix member until {@link resolveFleetCounts}).
 */
export type FleetConfigInstance = FleetInstance;

/** A fleet of the file, expanded. */
export interface FleetConfig {
  /** Fleet name (its key under `fleets`; the chart and `dist/<name>.yaml`). */
  readonly name: string;
  /** mix or matrix. */
  readonly kind: 'mix' | 'matrix';
  /** A mix's vm-count: its VMs in all, which the members' VMs sum to. */
  readonly vmCount?: number;
  /** A mix's shares, checked (parseMix), in member order. */
  readonly shares?: readonly MixShare[];
  /** Its instances, in member or cell order. */
  readonly instances: readonly FleetConfigInstance[];
}

/** What {@link expandFleetConfig} gives the loader. */
export interface ExpandedFleets {
  /** The fleets, in file order. */
  readonly fleets: readonly FleetConfig[];
  /** One `workloads` entry (canonical keys, not yet validated) per instance. */
  readonly entries: ReadonlyMap<string, Record<string, unknown>>;
  /** Where each instance's keys come from in the file, for messages: instance → key → `fleets.<fleet>…` path. */
  readonly where: ReadonlyMap<string, (key: string) => string>;
}

/** Normalises a mapping to canonical keys (the loader's rules: aliases, underscores, unknown keys reported). */
export type Normalise = (raw: unknown, prefix: string, known: readonly string[]) => Record<string, unknown>;

/**
 * Expands the `fleets` map of `virtwork.yaml` into `workloads` entries, one per instance, and reports every problem
 * (one line each, naming the key) into `problems`. `entryKeys` are the keys of a `workloads` entry; the entries still
 * go through the same validation as the file's own entries.
 */
export function expandFleetConfig(raw: unknown, path: string, entryKeys: readonly string[], normalise: Normalise, problems: string[]): ExpandedFleets {
  const fleets: FleetConfig[] = [];
  const entries = new Map<string, Record<string, unknown>>();
  const where = new Map<string, (key: string) => string>();
  if (!isMap(raw)) {
    problems.push(`${path}: fleets: must be a mapping of fleet names to a mix or a matrix, got ${show(raw)}`);
    return { fleets, entries, where };
  }
  const shared = entryKeys.filter((k) => k !== 'enabled' && k !== 'workload' && k !== 'vm-count');
  for (const [name, value] of Object.entries(raw)) {
    const at = `fleets.${name}`;
    try {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > MAX_INSTANCE_NAME) {
        throw new VirtworkError(`${path}: fleets: ${show(name)} is not a fleet name (a DNS-1123 label of at most ${MAX_INSTANCE_NAME} characters)`);
      }
      const fleet = normalise(value, `${at}.`, [...FLEET_KEYS, ...shared]);
      const defaults = Object.fromEntries(Object.entries(fleet).filter(([k]) => shared.includes(k)));
      const add = (instance: string, entry: Record<string, unknown>, whereOf: (key: string) => string) => {
        entries.set(instance, entry);
        where.set(instance, whereOf);
      };
      if ((fleet.mix === undefined) === (fleet.matrix === undefined)) throw new VirtworkError(`${path}: ${at}: give either mix (workloads by share) or matrix (one workload over values)`);
      if (fleet.mix !== undefined) {
        if (fleet.workload !== undefined) throw new VirtworkError(`${path}: ${at}.workload: a mix names the workload of each member (${at}.mix.<member>.workload)`);
        if (!isMap(fleet.mix)) throw new VirtworkError(`${path}: ${at}.mix: must be a mapping of member names to their share and settings, got ${show(fleet.mix)}`);
        const members = Object.entries(fleet.mix).map(([m, spec]) => ({ name: m, spec: normalise(spec ?? {}, `${at}.mix.${m}.`, [...MEMBER_KEYS, ...shared]) }));
        // the shares are checked here; the counts need the workload classes (catalog entries too): resolveFleetCounts
        const total = fleet['vm-count'] as number;
        const shares = parseMix(`${path}: ${at}`, total, members.map((m) => ({ name: m.name, share: m.spec.share })));
        const instances = members.map((m, i): FleetConfigInstance => {
          const { share: _share, ...settings } = m.spec;
          const workload = (settings.workload as string | undefined) ?? m.name;
          const instance = `${name}-${m.name}`;
          add(instance, { ...merge(defaults, settings), workload }, (key) => `${at}.${key in settings ? `mix.${m.name}.` : ''}${key}`);
          return { instance, workload, fraction: shares[i].fraction, count: 0, vms: 0 };
        });
        fleets.push({ name, kind: 'mix', vmCount: total, shares, instances });
      } else {
        if (typeof fleet.workload !== 'string') throw new VirtworkError(`${path}: ${at}.workload: a matrix needs the workload of its cells, got ${show(fleet.workload)}`);
        if (!isMap(fleet.matrix)) throw new VirtworkError(`${path}: ${at}.matrix: must be a mapping of keys (settings or params.<key>) to lists of values, got ${show(fleet.matrix)}`);
        const count = fleet['vm-count'] ?? 1;
        if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_INSTANCE_VMS) {
          throw new VirtworkError(`${path}: ${at}.vm-count: VMs of each cell must be an integer from 1 to ${MAX_INSTANCE_VMS}, got ${show(count)}`);
        }
        const axesRaw = normaliseAxes(fleet.matrix, `${path}: ${at}.matrix`, shared, normalise);
        const axes: MatrixAxis[] = Object.entries(axesRaw).map(([key, values]) => ({ key, values: values as unknown[] }));
        const cells = matrixCells(`${path}: ${at}.matrix`, axes, count as number);
        const instances = cells.map((cell): FleetConfigInstance => {
          const instance = `${name}-${cell.name}`;
          let entry: Record<string, unknown> = { ...defaults, workload: fleet.workload, 'vm-count': count };
          for (const [key, v] of cell.values) entry = merge(entry, key.startsWith('params.') ? { params: { [key.slice(7)]: v } } : { [key]: v });
          const axisOf = (key: string) => (cell.values.has(key) ? `${at}.matrix.${key}` : `${at}.${key}`);
          add(instance, entry, (key) => (key === 'params' ? `${at}.params` : axisOf(key)));
          return { instance, workload: fleet.workload as string, cell: Object.fromEntries(cell.values), count: count as number, vms: 0 };
        });
        fleets.push({ name, kind: 'matrix', instances });
      }
    } catch (err) {
      if (!(err instanceof VirtworkError)) throw err;
      problems.push(err.message);
    }
  }
  return { fleets, entries, where };
}

/**
 * The fleets with their counts: a mix's VMs split VM-exact by share (mixCounts: whole counts of each member's workload,
 * a network count being a server and a client), a matrix cell's VMs from its vm-count; each instance's `vms` filled.
 * How a workload's VMs follow its count is measured on its class in `registry` (vmsPerCount); an instance of a type
 * missing there is left as it is (its entry reports the unknown type). Returns the fleets and the vm-count of each
 * mix member (instance → count) for its entry; problems (one line each, naming the key) go into `problems`.
 */
export function resolveFleetCounts(fleets: readonly FleetConfig[], path: string, registry: Readonly<Record<string, WorkloadClass>>, problems: string[]): { fleets: FleetConfig[]; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const shapeOf = (type: string) => (registry[type] ? vmsPerCount(registry[type]) : undefined);
  const out = fleets.map((f): FleetConfig => {
    const at = `${path}: fleets.${f.name}`;
    try {
      if (f.kind === 'mix') {
        const shapes = f.instances.map((i) => shapeOf(i.workload));
        if (shapes.some((s) => s === undefined)) return f;
        const rounded = roundMix(at, f.vmCount!, f.shares!, f.instances.map((i, k) => ({ vms: shapes[k]!, workload: i.workload })));
        rounded.forEach((r, k) => counts.set(f.instances[k].instance, r.count));
        return { ...f, instances: f.instances.map((i, k) => ({ ...i, count: rounded[k].count, vms: rounded[k].vms })) };
      }
      const shape = shapeOf(f.instances[0].workload) ?? ONE_VM_PER_COUNT;
      const instances = f.instances.map((i) => ({ ...i, vms: shape.fixed + shape.perCount * i.count }));
      const vms = instances.reduce((n, i) => n + i.vms, 0);
      if (vms > MAX_FLEET_VMS) {
        throw new VirtworkError(`${at}.matrix: ${instances.length} cells × ${instances[0].vms} VMs is over the limit of ${MAX_FLEET_VMS} VMs of a fleet`);
      }
      return { ...f, instances };
    } catch (err) {
      if (!(err instanceof VirtworkError)) throw err;
      problems.push(err.message);
      return f;
    }
  });
  return { fleets: out, counts };
}

/** The axes of a matrix in file order with canonical keys: settings through the loader's rules, `params.<key>` as written. */
function normaliseAxes(raw: Record<string, unknown>, where: string, shared: readonly string[], normalise: Normalise): Record<string, unknown> {
  const prefix = `${where.slice(where.indexOf(': ') + 2)}.`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const entry = k.startsWith('params.') ? { [k]: v } : normalise({ [k]: v }, prefix, shared.filter((s) => s !== 'params'));
    for (const [key, values] of Object.entries(entry)) {
      if (!Array.isArray(values)) throw new VirtworkError(`${where}.${key}: must be a list of values, got ${show(values)}`);
      out[key] = values;
    }
  }
  return out;
}

/** `over` on top of `base`, `params` merged. */
function merge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...base, ...over };
  if (isMap(base.params) && isMap(over.params)) out.params = { ...base.params, ...over.params };
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
