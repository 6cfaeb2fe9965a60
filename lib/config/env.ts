import { parseParamsFlag } from './params-grammar';
import { checkValue, throwProblems } from './_problems';
import { InputLayer } from './merge';
import { CONFIG_ENV, SETTINGS, SettingName, WORKLOAD_FLAGS } from './schema';
import { ENV_ALLOWLIST, goEnv, goNote } from './go-compat';
import { didYouMean } from '../core/_suggest';
import { Environment, Setting } from './setting';

/** The environment variables of a setting: its own, then one per alias (`VIRTWORK_<ALIAS>`). */
export function envNames(s: Setting): string[] {
  if (s.env === undefined) return [];
  return [s.env, ...(s.aliases ?? []).map((a) => `VIRTWORK_${a.toUpperCase().replace(/-/g, '_')}`)];
}

/** Every `VIRTWORK_*` variable that is a setting (aliases included), the configuration file and the selection. */
export function knownEnvNames(): string[] {
  const names = [CONFIG_ENV, ...(Object.values(SETTINGS) as Setting[]).flatMap(envNames)];
  return [...names, ...(Object.values(WORKLOAD_FLAGS) as Setting[]).flatMap(envNames)];
}

/**
 * Reads the `VIRTWORK_*` variables of every setting, the workload selection and the params. An empty
 * variable counts as unset. Every bad value is reported, naming the variable; so is a `VIRTWORK_*` variable
 * that is no setting (with "did you mean"), unless another tool reads it on purpose ({@link ENV_ALLOWLIST}).
 * A variable of the Go virtwork that has another home here gives a note instead.
 */
export function readEnv(env: Environment): InputLayer {
  const problems: string[] = [];
  const settings: Partial<Record<SettingName, unknown>> = {};
  const where: Partial<Record<SettingName, string>> = {};
  for (const [name, s] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) {
    const given = envNames(s).filter((n) => (env[n] ?? '') !== '');
    if (given.length > 1) problems.push(`${given.join(' and ')} are the same setting (${s.key}); set one`);
    if (given.length !== 1) continue;
    const variable = given[0];
    const value = checkValue(s, s.fromText(env[variable]!), variable, problems, {
      secret: s.secret,
      itemWhere: (i) => `${variable} (item ${i + 1})`,
    });
    if (value !== undefined) {
      settings[name] = value;
      where[name] = variable;
    }
  }
  const layer: { -readonly [K in keyof InputLayer]: InputLayer[K] } = { settings, where };
  const selection = WORKLOAD_FLAGS.workloads;
  const names = env[selection.env!] ?? '';
  if (names !== '') {
    const list = checkValue(selection, selection.fromText(names), selection.env!, problems, {
      itemWhere: (i) => `${selection.env} (item ${i + 1})`,
    });
    if (list !== undefined) layer.workloads = { names: list, where: selection.env! };
  }
  const extra = WORKLOAD_FLAGS.fromCatalog;
  const extraNames = env[extra.env!] ?? '';
  if (extraNames !== '') {
    const list = checkValue(extra, extra.fromText(extraNames), extra.env!, problems, { itemWhere: (i) => `${extra.env} (item ${i + 1})` });
    if (list !== undefined) layer.fromCatalog = { names: list, where: extra.env! };
  }
  const notes: string[] = [];
  for (const name of Object.keys(env).filter((n) => n.startsWith('VIRTWORK_')).sort()) {
    if (knownEnvNames().includes(name) || name in ENV_ALLOWLIST) continue;
    const go = goEnv(name);
    if (go !== undefined) notes.push(goNote(name, go));
    else problems.push(`${name}: unknown variable${didYouMean(name, knownEnvNames())}; virtwork reads the VIRTWORK_* variables of docs/configuration.md (unset it, or fix the name)`);
  }
  layer.notes = notes;
  const params = env[WORKLOAD_FLAGS.params.env!] ?? '';
  if (params !== '') {
    try {
      layer.params = { values: parseParamsFlag(params, WORKLOAD_FLAGS.params.env!), where: WORKLOAD_FLAGS.params.env! };
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  throwProblems(problems);
  return layer;
}
