import { DEFAULT_WORKLOADS } from '../workloads/_registry';
import { FileLayer } from './loader';
import { SETTINGS, SettingName, Settings, perWorkloadSettings } from './schema';
import { Setting } from './setting';

/** Where a resolved value came from. */
export type Source = 'flag' | 'env' | 'file' | 'default';

/** Params given for workloads, as `workload → key → value`, and where (flag or variable) they were given. */
export interface ParamsInput {
  /** Values by workload and key. */
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `--params` or `VIRTWORK_PARAMS`. */
  readonly where: string;
}

/** Values given by environment variables or by flags, already validated. */
export interface InputLayer {
  /** Settings that are given. */
  readonly settings: Partial<Record<SettingName, unknown>>;
  /** The variable or flag each setting came from, for messages. */
  readonly where: Partial<Record<SettingName, string>>;
  /** The workload selection, when given. */
  readonly workloads?: { readonly names: readonly string[]; readonly where: string };
  /** Workloads appended to the selection (the Go virtwork's `--from-catalog`), when given. */
  readonly fromCatalog?: { readonly names: readonly string[]; readonly where: string };
  /** Params, when given. */
  readonly params?: ParamsInput;
  /** One `note: …` per Go virtwork variable that was read but has another home here. */
  readonly notes?: readonly string[];
}

/** An empty layer (no variable or flag given). */
export const EMPTY_LAYER: InputLayer = { settings: {}, where: {} };

/** Where one value came from: its source, how to name it in messages, and the directory relative paths start from. */
export interface Origin {
  /** flag, env, file or default. */
  readonly source: Source;
  /** The flag, variable or `file: key` that gave it. */
  readonly where: string;
  /** Directory relative paths resolve from: the file's directory, else the working directory. */
  readonly dir: string;
}

/** One selected workload and where it was selected. */
export interface Selected {
  /** Workload name. */
  readonly name: string;
  /** The flag, variable or file entry that selected it. */
  readonly where: string;
}

/** Params of one workload from one source, lowest precedence first. */
export interface ParamSource {
  /** Prefix of messages, e.g. `virtwork.yaml: workloads.cpu.params` or `--params: cpu`. */
  readonly where: string;
  /** Values by key. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** The merged configuration: flags > environment > file > defaults, per key. */
export interface MergedConfig {
  /** Global settings (defaults applied). */
  readonly settings: Settings;
  /** Where each given setting came from. */
  readonly origins: Partial<Record<SettingName, Origin>>;
  /** Workloads to synthesize, in output order. */
  readonly selection: readonly Selected[];
  /** The file layer, when there is a file. */
  readonly file?: FileLayer;
  /** The environment layer. */
  readonly env: InputLayer;
  /** The flag layer. */
  readonly flags: InputLayer;
  /** The working directory. */
  readonly cwd: string;
}

/**
 * Merges the layers, per key: flags > environment > file > defaults. A flag or variable applies to every
 * workload and so wins over `workloads.<name>.<key>` in the file, which wins over the file's top-level key.
 */
export function mergeLayers(l: { readonly file?: FileLayer; readonly env: InputLayer; readonly flags: InputLayer; readonly cwd: string }): MergedConfig {
  const settings: Record<string, unknown> = {};
  const origins: Partial<Record<SettingName, Origin>> = {};
  for (const [name, s] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) {
    const origin = originOf(l, name, s);
    settings[name] = origin ? valueFrom(l, name, origin.source) : s.default;
    if (origin) origins[name] = origin;
  }
  return { settings: settings as Settings, origins, selection: selectionOf(l), file: l.file, env: l.env, flags: l.flags, cwd: l.cwd };
}

/**
 * The settings of one workload: per-workload keys of `workloads.<name>` rank between the environment and the file's top
 * level; a fleet instance's vm-count is its fleet's, whatever `--vm-count` / `VIRTWORK_VM_COUNT` say.
 */
export function workloadSettings(m: MergedConfig, name: string): Settings {
  const entry = m.file?.workloads.get(name);
  const out: Record<string, unknown> = { ...m.settings };
  for (const [key] of perWorkloadSettings()) {
    const fromInputs = m.flags.settings[key] !== undefined || m.env.settings[key] !== undefined;
    // a fleet instance's vm-count is the fleet's (its share of the mix, its matrix's vm-count): --vm-count is not
    const fleetCount = key === 'vmCount' && entry?.fleet !== undefined;
    if ((!fromInputs || fleetCount) && entry?.settings[key] !== undefined) out[key] = entry.settings[key];
  }
  return out as Settings;
}

/** The params of one workload from each source, lowest precedence first (file, environment, flags). */
export function workloadParams(m: MergedConfig, name: string): ParamSource[] {
  const sources: ParamSource[] = [];
  const entry = m.file?.workloads.get(name);
  if (entry?.params) sources.push({ where: `${m.file!.path}: workloads.${name}.params`, values: entry.params });
  for (const layer of [m.env, m.flags]) {
    const values = layer.params?.values[name];
    if (values) sources.push({ where: `${layer.params!.where}: ${name}`, values });
  }
  return sources;
}

function originOf(l: Parameters<typeof mergeLayers>[0], name: SettingName, s: Setting): Origin | undefined {
  if (l.flags.settings[name] !== undefined) return { source: 'flag', where: l.flags.where[name] ?? s.flag ?? s.key, dir: l.cwd };
  if (l.env.settings[name] !== undefined) return { source: 'env', where: l.env.where[name] ?? s.env ?? s.key, dir: l.cwd };
  if (l.file?.settings[name] !== undefined) return { source: 'file', where: `${l.file.path}: ${s.key}`, dir: l.file.dir };
  return undefined;
}

function valueFrom(l: Parameters<typeof mergeLayers>[0], name: SettingName, source: Source): unknown {
  return source === 'flag' ? l.flags.settings[name] : source === 'env' ? l.env.settings[name] : l.file?.settings[name];
}

function selectionOf(l: Parameters<typeof mergeLayers>[0]): Selected[] {
  const given = l.flags.workloads ?? l.env.workloads;
  const extra = l.flags.fromCatalog ?? l.env.fromCatalog;
  const fleets = l.file?.fleets ?? [];
  if (given || extra) {
    // a fleet's name selects all its instances
    return [given, extra].flatMap((g) => g?.names.flatMap((name) => fleets.find((f) => f.name === name)?.instances.map((i) => ({ name: i.instance, where: g.where })) ?? [{ name, where: g.where }]) ?? []);
  }
  const selected: Selected[] = DEFAULT_WORKLOADS.map((name) => ({ name, where: 'the default selection' }));
  for (const [name, entry] of l.file?.workloads ?? []) {
    const where = entry.fleet !== undefined ? `${l.file!.path}: fleets.${entry.fleet}` : `${l.file!.path}: workloads.${name}`;
    const at = selected.findIndex((s) => s.name === name);
    // an instance of another name (`workload:`) or of a fleet is selected unless disabled
    const enabled = entry.enabled ?? (entry.workload !== undefined || entry.fleet !== undefined ? true : undefined);
    if (enabled === false && at >= 0) selected.splice(at, 1);
    if (enabled === true && at < 0) selected.push({ name, where });
  }
  return selected;
}

/** The notes of the file and environment layers (Go virtwork keys and variables that were read and ignored). */
export function configNotes(m: MergedConfig): string[] {
  return [...(m.file?.notes ?? []), ...(m.env.notes ?? [])];
}
