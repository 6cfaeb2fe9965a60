import { VirtworkError, show } from '../core/errors';
import { parseParamsFlag } from './params-grammar';
import { checkValue, throwProblems } from './_problems';
import { InputLayer } from './merge';
import { SETTINGS, SettingName, WORKLOAD_FLAGS } from './schema';
import { Setting } from './setting';

/** The long name of a flag spec: `-n, --namespace <name>` → `--namespace`. */
export function longFlag(spec: string): string {
  const m = /--[a-z][-a-z0-9]*/.exec(spec);
  if (!m) throw new Error(`flag spec ${show(spec)} has no long name`);
  return m[0];
}

/** The option attribute commander uses for a flag spec: `--cpu-cores <n>` → `cpuCores`. */
export function flagAttribute(spec: string): string {
  return longFlag(spec).slice(2).replace(/^no-/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The flag specs of a setting: its own, then one (hidden in --help) per alias, e.g. `--container-disk-image <ref>`. */
export function flagSpecs(s: Setting): string[] {
  if (s.flag === undefined) return [];
  const value = /\s(<.*>)$/.exec(s.flag)?.[1];
  return [s.flag, ...(s.aliases ?? []).map((a) => `--${a}${value ? ` ${value}` : ''}`)];
}

/**
 * Reads the options commander parsed for `virtwork synth` (attribute → string, or string[] for a repeatable
 * flag) into a layer. Every bad value is reported, naming the flag (a UsageError: the CLIs exit 2).
 */
export function readFlags(opts: Readonly<Record<string, unknown>>): InputLayer {
  const problems: string[] = [];
  const settings: Partial<Record<SettingName, unknown>> = {};
  const where: Partial<Record<SettingName, string>> = {};
  for (const [name, s] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) {
    if (s.flag === undefined) continue;
    const given = flagSpecs(s).filter((spec) => opts[flagAttribute(spec)] !== undefined);
    if (given.length > 1) problems.push(`${given.map(longFlag).join(' and ')} are the same setting (${s.key}); give one`);
    if (given.length !== 1) continue;
    const raw = opts[flagAttribute(given[0])];
    const flag = longFlag(given[0]);
    const value = checkValue(s, flagValue(s, raw), flag, problems, { secret: s.secret, itemWhere: () => flag });
    if (value !== undefined) {
      settings[name] = value;
      where[name] = flag;
    }
  }
  const layer: { -readonly [K in keyof InputLayer]: InputLayer[K] } = { settings, where };
  const selection = WORKLOAD_FLAGS.workloads;
  const names = opts[flagAttribute(selection.flag!)];
  if (names !== undefined) {
    const flag = longFlag(selection.flag!);
    const list = checkValue(selection, flagValue(selection, names), flag, problems, { itemWhere: () => flag });
    if (list !== undefined) layer.workloads = { names: list, where: flag };
  }
  const extra = WORKLOAD_FLAGS.fromCatalog;
  const extraNames = opts[flagAttribute(extra.flag!)];
  if (extraNames !== undefined) {
    const flag = longFlag(extra.flag!);
    const list = checkValue(extra, flagValue(extra, extraNames), flag, problems, { itemWhere: () => flag });
    if (list !== undefined) layer.fromCatalog = { names: list, where: flag };
  }
  const params = opts[flagAttribute(WORKLOAD_FLAGS.params.flag!)];
  if (params !== undefined) {
    const flag = longFlag(WORKLOAD_FLAGS.params.flag!);
    const values: Record<string, Record<string, string>> = {};
    for (const occurrence of ([] as unknown[]).concat(params)) {
      try {
        for (const [wl, kv] of Object.entries(parseParamsFlag(String(occurrence), flag))) values[wl] = { ...values[wl], ...kv };
      } catch (err) {
        if (!(err instanceof VirtworkError)) throw err;
        problems.push(err.message);
      }
    }
    layer.params = { values, where: flag };
  }
  throwProblems(problems, true);
  return layer;
}

/** A flag's value as the setting's schema takes it: repeatable lists flattened (and split when the kind says so). */
function flagValue(s: Setting, raw: unknown): unknown {
  if (!Array.isArray(raw)) return s.item ? s.fromText(String(raw)) : raw;
  if (!s.item) return raw[raw.length - 1];
  return raw.flatMap((r: unknown) => (s.splitFlag ? s.splitFlag(String(r)) : [String(r)]));
}
