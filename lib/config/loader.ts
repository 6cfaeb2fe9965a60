import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { VirtworkError, show } from '../core/errors';
import { badValue, throwProblems, unknownKey } from './_problems';
import {
  CONFIG_ENV, CONFIG_FILE, SETTINGS, SettingName, WORKLOAD_ENTRY, WORKLOAD_FLAGS, configFileSchema, fileKeys, perWorkloadSettings,
  settingAt, workloadEntryKeys,
} from './schema';
import { goKey, goNote } from './go-compat';

/** The Go virtwork's key for catalog entries to run (`--from-catalog`). */
const FROM_CATALOG_KEY = 'from-catalog';
import { Environment, Setting } from './setting';
import { FleetConfig, expandFleetConfig } from '../fleet/fleet-config';

/** One entry of the `workloads` map of `virtwork.yaml` (a workload instance), or an instance of a fleet. */
export interface WorkloadEntry {
  /** `enabled`, when given. */
  readonly enabled?: boolean;
  /** Workload type, when the instance is named otherwise (`workload:`); undefined when the entry's name is the type. */
  readonly workload?: string;
  /** The fleet the instance belongs to (then it is synthesized into `dist/<fleet>.yaml`). */
  readonly fleet?: string;
  /** Per-workload settings (vm-count, cpu-cores, …), validated. */
  readonly settings: Partial<Record<SettingName, unknown>>;
  /** Params as written, checked later against the workload's typed params. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** What `virtwork.yaml` says, validated and with canonical keys. */
export interface FileLayer {
  /** File name as shown in messages (as the user gave it). */
  readonly path: string;
  /** Absolute directory of the file: relative paths in it resolve from here. */
  readonly dir: string;
  /** Top-level settings that are given. */
  readonly settings: Partial<Record<SettingName, unknown>>;
  /** The `workloads` map, in file order, then the instances of the fleets. */
  readonly workloads: ReadonlyMap<string, WorkloadEntry>;
  /** One `note: …` per key of the Go virtwork that was read but has another home here. */
  readonly notes?: readonly string[];
  /** The `fleets` map, expanded (their instances are in `workloads` too). */
  readonly fleets?: readonly FleetConfig[];
}

/**
 * Where the configuration file is: `--config`, else `VIRTWORK_CONFIG`, else `virtwork.yaml` in `cwd` or the
 * nearest directory above it (up to the root of the git work tree it is in, like git finds `.git`). A file named
 * explicitly must exist. Returns the path as given (relative to `cwd` when found above it), or undefined.
 */
export function findConfigFile(o: { readonly flag?: string; readonly env: Environment; readonly cwd: string }): string | undefined {
  const named = o.flag ?? (o.env[CONFIG_ENV] || undefined);
  if (named !== undefined) {
    const how = o.flag !== undefined ? '--config' : CONFIG_ENV;
    const abs = resolve(o.cwd, named);
    if (!existsSync(abs)) throw new VirtworkError(`${how}: configuration file ${show(named)} does not exist`);
    if (!statSync(abs).isFile()) throw new VirtworkError(`${how}: ${show(named)} is not a file`);
    return named;
  }
  for (let dir = resolve(o.cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir === resolve(o.cwd) ? CONFIG_FILE : relative(o.cwd, join(dir, CONFIG_FILE));
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/** Reads and validates a configuration file (`path` relative to `cwd`). */
export function loadConfigFile(path: string, cwd: string): FileLayer {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new VirtworkError(`${path}: cannot read the configuration file: ${(err as Error).message}`, { cause: err });
  }
  return parseConfigFile(text, path, dirname(abs));
}

/** Parses and validates the text of a configuration file; `path` names it in messages, `dir` is its directory. */
export function parseConfigFile(text: string, path: string, dir: string): FileLayer {
  const raw = parseYaml(text, path);
  if (raw === null || raw === undefined) return { path, dir, settings: {}, workloads: new Map() };
  const problems: string[] = [];
  const notes: string[] = [];
  const top = normaliseMap(raw, `${path}`, '', fileKeys(), aliasesOf(Object.values(SETTINGS) as Setting[], true), problems, forbiddenTop(), notes);
  const fromCatalog = readFromCatalog(top, path, problems, notes);
  const workloads = top.workloads;
  if (workloads !== undefined) {
    if (!isMap(workloads)) {
      problems.push(`${path}: workloads: must be a mapping of workload names to their settings, got ${show(workloads)}`);
      delete top.workloads;
    } else {
      const entries: Record<string, unknown> = {};
      for (const [name, entry] of Object.entries(workloads)) {
        const where = `${path}: workloads.${name}`;
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
          problems.push(`${path}: workloads: ${show(name)} is not a workload name (lowercase letters, digits and "-", as listed by \`virtwork workloads\`)`);
          continue;
        }
        if (entry === null) entries[name] = {};
        else if (!isMap(entry)) problems.push(`${where}: must be a mapping of settings (${workloadEntryKeys().join(', ')}), got ${show(entry)}`);
        else entries[name] = normaliseMap(entry, path, `workloads.${name}.`, workloadEntryKeys(), aliasesOf(entryKinds(), false), problems, new Map());
      }
      top.workloads = entries;
    }
  }
  const normalise = (value: unknown, prefix: string, known: readonly string[]) =>
    normaliseMap(value, path, prefix, known, aliasesOf(entryKinds(), false), problems, new Map());
  const fleets = top.fleets === undefined ? undefined : expandFleetConfig(top.fleets, path, workloadEntryKeys(), normalise, problems);
  delete top.fleets;
  for (const [instance, entry] of fleets?.entries ?? []) {
    const workloads = (top.workloads ??= {}) as Record<string, unknown>;
    if (instance in workloads) problems.push(`${path}: fleets: instance ${show(instance)} of a fleet has the name of workloads.${instance}; rename one`);
    else workloads[instance] = entry;
  }
  const parsed = configFileSchema().safeParse(top);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const at = issue.path.map(String);
      const key = at.join('.');
      if (seen.has(key)) continue;
      seen.add(key);
      const keyPath = (parts: readonly PropertyKey[]) => parts.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
      const fleetKey = at[0] === 'workloads' && at.length >= 3 ? fleets?.where.get(at[1])?.(at[2]) : undefined;
      const where = `${path}: ${fleetKey === undefined ? keyPath(issue.path) : keyPath([fleetKey, ...issue.path.slice(3)])}`;
      if (seen.has(where)) continue;
      seen.add(where);
      const kind = settingAt(issue.path);
      problems.push(badValue(where, kind, valueAt(top, issue.path), (kind as Setting | undefined)?.secret));
    }
  }
  throwProblems(problems);
  const layer = toLayer(parsed.data!, path, dir, fleets?.fleets ?? []);
  const entries = new Map(layer.workloads);
  for (const name of fromCatalog) entries.set(name, { settings: {}, ...entries.get(name), enabled: true });
  return { ...layer, workloads: entries, notes };
}

/**
 * The Go key `from-catalog` (a list of catalog entry names), read as `workloads.<name>.enabled: true` for each,
 * with one note; removed from `top`.
 */
function readFromCatalog(top: Record<string, unknown>, path: string, problems: string[], notes: string[]): string[] {
  const value = top[FROM_CATALOG_KEY];
  delete top[FROM_CATALOG_KEY];
  if (value === undefined || value === null) return [];
  const names = WORKLOAD_FLAGS.fromCatalog.schema.safeParse(value);
  if (!names.success) {
    problems.push(badValue(`${path}: ${FROM_CATALOG_KEY}`, WORKLOAD_FLAGS.fromCatalog, value));
    return [];
  }
  notes.push(`note: ${path}: ${FROM_CATALOG_KEY}: a Go virtwork key, read as workloads.<name>.enabled: true for ${names.data.join(', ')} ` +
    '(catalog entries are selected like built-ins here; the default workloads stay selected unless disabled)');
  return names.data;
}

function parseYaml(text: string, path: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) {
    const { line, col } = lines.linePos(first.pos[0]);
    const message = first.code === 'MULTIPLE_DOCS' ? 'holds several YAML documents; keep one' : first.message.split('\n')[0];
    throw new VirtworkError(`${path}:${line}:${col}: invalid YAML: ${message}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new VirtworkError(`${path}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, p) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined), obj);
}

function entryKinds(): Setting[] {
  return [WORKLOAD_ENTRY.workload, WORKLOAD_ENTRY.enabled, WORKLOAD_ENTRY.params, ...perWorkloadSettings().map(([, s]) => s)] as Setting[];
}

/** Other spellings → canonical key: underscore spellings of every key, and declared aliases (with theirs). */
function aliasesOf(settings: readonly Setting[], withDeclared: boolean): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of settings.filter((x) => x.notInFile === undefined)) {
    const names = [s.key, ...(withDeclared ? (s.aliases ?? []) : [])];
    for (const n of names) {
      if (n !== s.key) map.set(n, s.key);
      if (n.includes('-')) map.set(n.replace(/-/g, '_'), s.key);
    }
  }
  return map;
}

/** Keys that exist but may not be in the file, with the reason (their underscore spellings too). */
function forbiddenTop(): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of Object.values(SETTINGS) as Setting[]) {
    if (s.notInFile === undefined) continue;
    map.set(s.key, s.notInFile);
    map.set(s.key.replace(/-/g, '_'), s.notInFile);
  }
  return map;
}

/**
 * Copies a mapping under canonical keys: aliases are renamed, a setting given under two spellings, a key that
 * may not be in the file and an unknown key (with "did you mean") are problems.
 */
function normaliseMap(
  raw: unknown, path: string, prefix: string, known: readonly string[], aliases: ReadonlyMap<string, string>,
  problems: string[], forbidden: ReadonlyMap<string, string>, goNotes?: string[],
): Record<string, unknown> {
  if (!isMap(raw)) {
    problems.push(`${path}: must be a mapping of settings (${known.join(', ')}), got ${show(raw)}`);
    return {};
  }
  const out: Record<string, unknown> = {};
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const canonical = known.includes(key) ? key : aliases.get(key);
    if (canonical === undefined && goNotes !== undefined && key.replace(/_/g, '-') === FROM_CATALOG_KEY) {
      out[FROM_CATALOG_KEY] = value;
      continue;
    }
    const go = goNotes === undefined ? undefined : goKey(key);
    if (canonical === undefined && go !== undefined) {
      goNotes!.push(goNote(`${path}: ${key}`, go));
      continue;
    }
    if (canonical === undefined && goNotes !== undefined && forbidden.has(key) && (value === '' || value === null)) {
      goNotes.push(`note: ${path}: ${key}: empty, ignored (${forbidden.get(key)})`);
      continue;
    }
    if (canonical === undefined) {
      const reason = forbidden.get(key);
      const shown = `${prefix}${/^[\w.-]+$/.test(key) ? key : show(key)}`;
      problems.push(reason !== undefined ? `${path}: ${shown}: not allowed in the file: ${reason}` : unknownKey(`${path}: ${shown}`, key, known));
      continue;
    }
    const earlier = spelledAs.get(canonical);
    if (earlier !== undefined) {
      problems.push(`${path}: ${prefix}${earlier} and ${prefix}${key} are the same setting (${canonical}); keep one`);
      continue;
    }
    spelledAs.set(canonical, key);
    out[canonical] = value;
  }
  return out;
}

function toLayer(data: Record<string, unknown>, path: string, dir: string, fleets: readonly FleetConfig[]): FileLayer {
  const byKey = new Map((Object.entries(SETTINGS) as Array<[SettingName, Setting]>).map(([name, s]) => [s.key, name]));
  const settings: Partial<Record<SettingName, unknown>> = {};
  for (const [key, value] of Object.entries(data)) {
    const name = byKey.get(key);
    if (name !== undefined && value !== undefined) settings[name] = value;
  }
  const workloads = new Map<string, WorkloadEntry>();
  const fleetOf = (instance: string) => {
    const fleet = fleets.find((f) => f.instances.some((i) => i.instance === instance));
    return fleet ? { fleet: fleet.name } : {};
  };
  for (const [wl, entry] of Object.entries((data.workloads ?? {}) as Record<string, Record<string, unknown>>)) {
    const perWorkload: Partial<Record<SettingName, unknown>> = {};
    for (const [name, s] of perWorkloadSettings()) if (entry[s.key] !== undefined) perWorkload[name] = entry[s.key];
    workloads.set(wl, {
      enabled: entry.enabled as boolean | undefined,
      ...(entry.workload !== undefined ? { workload: entry.workload as string } : {}),
      ...fleetOf(wl),
      settings: perWorkload,
      params: entry.params as Record<string, unknown> | undefined,
    });
  }
  return { path, dir, settings, workloads, ...(fleets.length > 0 ? { fleets } : {}) };
}
