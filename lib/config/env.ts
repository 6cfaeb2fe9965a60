import { parseParamsFlag } from '../params-grammar';
import { checkValue, throwProblems } from './_problems';
import { Environment, InputLayer } from './merge';
import { SETTINGS, SettingName, WORKLOAD_FLAGS } from './schema';
import { Setting } from './setting';

/** The environment variables of a setting: its own, then one per alias (`VIRTWORK_<ALIAS>`). */
export function envNames(s: Setting): string[] {
  if (s.env === undefined) return [];
  return [s.env, ...(s.aliases ?? []).map((a) => `VIRTWORK_${a.toUpperCase().replace(/-/g, '_')}`)];
}

/**
 * Reads the `VIRTWORK_*` variables of every setting, the workload selection and the params. An empty
 * variable counts as unset. Every bad value is reported, naming the variable.
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
