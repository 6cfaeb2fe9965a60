import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CloudUser } from '../guest/cloud-init';
import { UsageError, VirtworkError, show } from '../core/errors';
import { parseAuthorizedKeys, resolveSsh } from '../guest/ssh';
import { SynthInput, WorkloadSelection } from '../render/synth';
import { didYouMean } from '../core/_suggest';
import { WorkloadClass } from '../workloads/_registry';
import { resolveFleetCounts } from '../fleet/fleet-config';
import { packageInfo } from '../core/_package';
import { throwProblems } from './_problems';
import { CatalogSet, knownWorkloads, resolveCatalog } from './catalog-dirs';
import { readEnv } from './env';
import { readFlags } from './flags';
import { findConfigFile, loadConfigFile } from './loader';
import { EMPTY_LAYER, MergedConfig, ParamSource, mergeLayers, workloadParams, workloadSettings } from './merge';
import { Environment } from './setting';
import { workloadVmSettings } from './workload-vm-settings';

/** What a command gives to load the configuration: parsed flags, the environment and the working directory. */
export interface ConfigRequest {
  /** Options commander parsed (attribute → value); `config` names the file. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Environment (`process.env`). */
  readonly env: Environment;
  /** Working directory. */
  readonly cwd: string;
}

/** The loaded configuration: the merged layers, the workload classes, and what synthesis needs. */
export interface LoadedConfig {
  /** The configuration file used, as named (undefined without one). */
  readonly configPath?: string;
  /** Merged layers. */
  readonly merged: MergedConfig;
  /** Catalog directories and the entries they hold. */
  readonly catalog: CatalogSet;
  /** Built-in and catalog workload classes by name. */
  readonly registry: Readonly<Record<string, WorkloadClass>>;
  /** Input of {@link synthesize}. */
  readonly input: SynthInput;
}

/**
 * Loads the configuration the way `virtwork synth` and the cdk8s app do: `virtwork.yaml` (or `--config` /
 * `VIRTWORK_CONFIG`), `VIRTWORK_*` variables and flags, merged flags > env > file > defaults, the selected
 * catalog entries loaded, params checked against each workload's schema and SSH keys read. Every problem is
 * a VirtworkError naming the file, variable or flag, the key, the value and what is allowed.
 */
export function loadConfig(req: ConfigRequest): LoadedConfig {
  const read = loadMerged(req);
  const file = read.file;
  const configPath = file?.path;
  const names = [...new Set([...read.selection.map((s) => s.name), ...(file?.workloads.keys() ?? [])].map((n) => typeOf(read, n)))];
  const catalog = resolveCatalog(read, names);
  const registry = catalog.registry;
  const problems = checkNames(read, registry, knownWorkloads(catalog));
  const merged = withFleetCounts(read, registry, problems);
  const workloads = merged.selection
    .filter((sel) => typeOf(merged, sel.name) in registry)
    .map((sel) => selection(merged, sel.name, registry[typeOf(merged, sel.name)], problems));
  checkUnselected(merged, registry, problems);
  // Problems that all name a flag (`--workloads`, `--params`) are about the command line: a usage error.
  throwProblems(problems, problems.every((p) => p.startsWith('-')));
  const s = merged.settings;
  const input: SynthInput = {
    namespace: s.namespace!,
    runId: s.runId,
    image: s.image,
    cpuCores: s.cpuCores,
    memory: s.memory,
    dataDiskSize: s.diskSize,
    ssh: sshOf(merged),
    workloads,
    registry,
    version: packageInfo().version,
    gitops: { namespace: s.namespace!, repoUrl: s.gitopsRepoUrl, revision: s.gitopsRevision, path: s.gitopsPath },
    signals: s.signals,
  };
  return { configPath, merged, catalog, registry, input };
}

/**
 * The configuration with the fleets' counts resolved (resolveFleetCounts: a mix split VM-exact by share, now that
 * every workload class is known, catalog entries included): each mix member's entry gets its vm-count.
 */
function withFleetCounts(m: MergedConfig, registry: Readonly<Record<string, WorkloadClass>>, problems: string[]): MergedConfig {
  const file = m.file;
  if (!file?.fleets?.length) return m;
  const { fleets, counts } = resolveFleetCounts(file.fleets, file.path, registry, problems);
  const workloads = new Map([...file.workloads].map(([name, e]) => [name, counts.has(name) ? { ...e, settings: { ...e.settings, vmCount: counts.get(name) } } : e]));
  return { ...m, file: { ...file, workloads, fleets } };
}

/** Reads the three layers (flags, environment, file) and merges them; nothing else is read. */
export function loadMerged(req: ConfigRequest): MergedConfig {
  const problems: string[] = [];
  let usage = true;
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof VirtworkError)) throw err;
      problems.push(err.message);
      usage &&= err instanceof UsageError;
      return undefined;
    }
  };
  const flags = req.flags ? attempt(() => readFlags(req.flags!)) : EMPTY_LAYER;
  const env = attempt(() => readEnv(req.env));
  const file = attempt(() => {
    const configPath = findConfigFile({ flag: req.flags?.config as string | undefined, env: req.env, cwd: req.cwd });
    return configPath === undefined ? undefined : loadConfigFile(configPath, req.cwd);
  });
  throwProblems(problems, usage);
  return mergeLayers({ file, env: env!, flags: flags!, cwd: req.cwd });
}

/** The workload type of an instance: its entry's `workload`, else its own name. */
export function typeOf(m: MergedConfig, instance: string): string {
  return m.file?.workloads.get(instance)?.workload ?? instance;
}

/**
 * Every selected name and every name of the file's `workloads` map must be a known workload or an instance of one
 * (`workload:`), and every params prefix a selected instance.
 */
function checkNames(m: MergedConfig, registry: Readonly<Record<string, WorkloadClass>>, known: readonly string[]): string[] {
  const problems: string[] = [];
  const unknown = (name: string) => `unknown workload ${show(name)}${didYouMean(name, known)}; available: ${known.join(', ')}`;
  const instances = [...(m.file?.workloads ?? [])].filter(([, e]) => e.fleet === undefined && e.workload !== undefined).map(([n]) => n);
  const selectable = [...known, ...instances, ...(m.file?.fleets ?? []).map((f) => f.name)];
  const seen = new Set<string>();
  for (const sel of m.selection) {
    const type = typeOf(m, sel.name);
    // an instance of an unknown type is reported at its entry, below
    if (type === sel.name && !(type in registry)) {
      problems.push(`${sel.where}: unknown workload ${show(sel.name)}${didYouMean(sel.name, selectable)}; available: ${selectable.join(', ')}`);
    } else if (seen.has(sel.name)) problems.push(`${sel.where}: workload ${show(sel.name)} is selected twice`);
    seen.add(sel.name);
  }
  if (m.selection.length === 0) {
    const where = m.flags.workloads?.where ?? m.env.workloads?.where ?? m.file?.path ?? 'configuration';
    problems.push(`${where}: no workload selected; available: ${known.join(', ')}`);
  }
  for (const [name, entry] of m.file?.workloads ?? []) {
    const where = entry.fleet !== undefined ? `${m.file!.path}: fleets.${entry.fleet} (instance ${name})` : `${m.file!.path}: workloads.${name}`;
    const type = entry.workload ?? name;
    if (!(type in registry)) problems.push(`${where}${entry.workload !== undefined && entry.fleet === undefined ? '.workload' : ''}: ${unknown(type)}`);
    else if (type !== name && name in registry) problems.push(`${where}: the instance name ${show(name)} is the name of another workload type; choose another`);
  }
  for (const layer of [m.env, m.flags]) {
    for (const name of Object.keys(layer.params?.values ?? {})) {
      const where = `${layer.params!.where}: ${name}`;
      if (!(typeOf(m, name) in registry)) problems.push(`${where}: ${unknown(name)}`);
      else if (!seen.has(name)) problems.push(`${where}: workload ${show(name)} is not selected (selected: ${[...seen].join(', ')})`);
    }
  }
  return problems;
}

/**
 * The params of every entry of the file's `workloads` map (and of every fleet instance) that is not selected, checked
 * like a selected one's and reported the same way: a file is valid or not whatever `--workloads` says, so that an
 * entry cannot wait for the day it is selected to fail. (Variables and flags naming an unselected workload are
 * already errors of their own, see checkNames.)
 */
function checkUnselected(m: MergedConfig, registry: Readonly<Record<string, WorkloadClass>>, problems: string[]): void {
  const selected = new Set(m.selection.map((sel) => sel.name));
  for (const name of m.file?.workloads.keys() ?? []) {
    const type = typeOf(m, name);
    if (selected.has(name) || !(type in registry)) continue;
    checkParams(registry[type], workloadParams(m, name).filter((source) => source.where.startsWith(`${m.file!.path}: `)), problems);
  }
}

/** Checks each params source against the workload's schema, adding one problem per line; returns them merged. */
function checkParams(cls: WorkloadClass, sources: readonly ParamSource[], problems: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const source of sources) {
    try {
      cls.params.resolve(source.values, source.where);
    } catch (err) {
      if (!(err instanceof VirtworkError)) throw err;
      problems.push(...err.message.split('\n'));
    }
    Object.assign(params, source.values);
  }
  return params;
}

/** One workload's selection: its settings (per-workload keys applied) and its params, each source checked. */
function selection(m: MergedConfig, name: string, cls: WorkloadClass, problems: string[]): WorkloadSelection {
  const params = checkParams(cls, workloadParams(m, name), problems);
  const s = workloadSettings(m, name);
  const entry = m.file?.workloads.get(name);
  return {
    name,
    ...(entry?.workload !== undefined && entry.workload !== name ? { workload: entry.workload } : {}),
    ...(entry?.fleet !== undefined ? { fleet: entry.fleet } : {}),
    vmCount: s.vmCount, cpuCores: s.cpuCores, memory: s.memory, dataDiskSize: s.diskSize, params, ...workloadVmSettings(m, name),
  };
}

/** The SSH user from the merged settings, with the keys of every key file; undefined without credentials. */
function sshOf(m: MergedConfig): CloudUser | undefined {
  const s = m.settings;
  const o = m.origins;
  if (o.sshPassword && o.sshPasswordHash) {
    throw new VirtworkError(`${o.sshPassword.where} and ${o.sshPasswordHash.where}: give either a password or a password hash, not both`);
  }
  const keys = [...(s.sshAuthorizedKeys ?? [])];
  for (const path of s.sshKeyFiles ?? []) keys.push(...readKeyFile(path, o.sshKeyFiles!.where, o.sshKeyFiles!.dir));
  try {
    return resolveSsh({ user: s.sshUser, password: s.sshPassword, passwordHash: s.sshPasswordHash, authorizedKeys: keys });
  } catch (err) {
    if (err instanceof VirtworkError && err.message.startsWith('ssh: ')) {
      throw new VirtworkError(`${o.sshUser?.where ?? 'ssh'}: ${err.message.slice(5)}`);
    }
    throw err;
  }
}

/** The public keys of a key file (an authorized_keys file: one key per line, blank lines and comments skipped). */
function readKeyFile(path: string, where: string, dir: string): string[] {
  const abs = resolve(dir, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (err as Error).message})`;
    throw new VirtworkError(`${where}: SSH key file ${show(path)} ${why}${abs === path ? '' : ` (resolved to ${abs})`}`, { cause: err });
  }
  const keys = parseAuthorizedKeys(text, `${where}: ${path}`);
  if (keys.length === 0) throw new VirtworkError(`${where}: SSH key file ${show(path)} holds no public key`);
  return keys;
}
