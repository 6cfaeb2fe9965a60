import { VirtworkError, show } from '../core/errors';
import { ParamDef, ParamSchema, bool, defineParams, dict, int, list, oneOf, str } from '../core/params';

/**
 * Characters a value substituted into a catalog unit or script may contain. None of them means anything
 * to systemd (`%` specifiers, `$` variables, quotes, `\` escapes, whitespace) or to the shell (quotes,
 * `$`, backquotes, `;`, `&`, `|`, redirections, globs, `~`, `#`, braces, whitespace, newlines), so a value
 * cannot break out of the line it lands in, whatever the context.
 */
export const SAFE_VALUE_CHARS = 'letters, digits and _ . , : / @ + = -';

const SAFE_TEXT = /^[A-Za-z0-9_.,:/@+=-]+$/;
/** A string value: safe characters, and a first character that cannot read as an option or an `Exec` prefix. */
const SAFE_STRING = /^[A-Za-z0-9_./][A-Za-z0-9_.,:/@+=-]{0,255}$/;
/** A list item: as a string, without ',' (items are joined with ','). */
const SAFE_ITEM = /^[A-Za-z0-9_./][A-Za-z0-9_.:/@+=-]{0,255}$/;
const DICT_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const DICT_VALUE = /^[A-Za-z0-9_./][A-Za-z0-9_.:/@+-]{0,255}$/;

const STRING_ALLOWED = `1 to 256 of ${SAFE_VALUE_CHARS}, starting with a letter, digit, "_", "." or "/"`;
const ITEM_ALLOWED = 'items of 1 to 256 letters, digits and _ . : / @ + = - (no ","), each starting with a letter, digit, "_", "." or "/"';
const DICT_ALLOWED = 'entries key=value: keys of letters, digits and _ . -, values of letters, digits and _ . : / @ + - (no "," or "=")';

/** Param types a catalog manifest may declare. */
export const CATALOG_PARAM_TYPES = ['int', 'bool', 'string', 'enum', 'list', 'dict'] as const;
/** A catalog param type. */
export type CatalogParamType = (typeof CATALOG_PARAM_TYPES)[number];

/** Lower bound of an `int` param when the manifest gives no `min`. */
export const INT_DEFAULT_MIN = 0;
/** Upper bound of an `int` param when the manifest gives no `max` (fits the 32-bit integers every tool accepts). */
export const INT_DEFAULT_MAX = 2147483647;

/** A param as declared in `workload.yaml` (structurally valid, not yet checked against its type). */
export interface CatalogParamSpec {
  /** Param key, kebab-case. */
  readonly key: string;
  /** Param type. */
  readonly type: CatalogParamType;
  /** Default value as written in the manifest. */
  readonly default: unknown;
  /**
   * One-line meaning.
   * @default '' (validate warns)
   */
  readonly desc?: string;
  /**
   * Smallest allowed value (`int` only).
   * @default INT_DEFAULT_MIN (0)
   */
  readonly min?: number;
  /**
   * Largest allowed value (`int` only).
   * @default INT_DEFAULT_MAX (2147483647)
   */
  readonly max?: number;
  /** Allowed words (`enum` only, and required there). */
  readonly values?: readonly unknown[];
  /**
   * Regular expression the whole value must also match (`string` only); it narrows the safe characters, never widens them.
   * @default any string of safe characters
   */
  readonly pattern?: string;
}

/** A problem with one param spec: the field at fault and what is wrong. */
export interface ParamSpecProblem {
  /** Index of the param in `params`. */
  readonly index: number;
  /** Field of the param (`default`, `min`, `values`, `pattern`). */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
}

/** A catalog entry's params schema (lib/core/params.ts), keyed by param key. */
export type CatalogParamSchema = ParamSchema<Record<string, ParamDef<unknown>>>;

/**
 * Builds the typed definitions of a catalog entry's params with the lib/core/params.ts builders, and parses every
 * default with its own type. Every type accepts only values made of safe characters (see {@link SAFE_VALUE_CHARS}),
 * so whatever a user passes later can be substituted verbatim.
 */
export function catalogParamSchema(specs: readonly CatalogParamSpec[]): { schema: CatalogParamSchema; problems: ParamSpecProblem[] } {
  const defs: Record<string, ParamDef<unknown>> = {};
  const problems: ParamSpecProblem[] = [];
  specs.forEach((spec, index) => {
    const built = paramDef(spec);
    if ('field' in built) {
      problems.push({ index, ...built });
      return;
    }
    const value = built.parse(spec.default);
    if (value === undefined) {
      problems.push({ index, field: 'default', message: `must be ${built.allowed} (type ${spec.type}), got ${show(spec.default)}` });
      return;
    }
    defs[spec.key] = { ...built, default: value };
  });
  return { schema: defineParams(defs), problems };
}

/**
 * The text a resolved param value is substituted as: numbers and booleans as written, lists joined with ',',
 * dicts as `k=v` joined with ','. The result is checked again against the safe characters (defence in depth).
 */
export function substitutionText(key: string, value: unknown): string {
  let text: string;
  if (Array.isArray(value)) text = value.map(String).join(',');
  else if (value !== null && typeof value === 'object') text = Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(',');
  else text = String(value);
  return checkSafeText(`param ${show(key)}`, text);
}

/** Checks a text that is about to be substituted into a unit or script against the safe characters. */
export function checkSafeText(what: string, text: string): string {
  if (!SAFE_TEXT.test(text)) {
    throw new VirtworkError(`${what}: ${show(text)} cannot be substituted safely (allowed: ${SAFE_VALUE_CHARS})`);
  }
  return text;
}

function paramDef(spec: CatalogParamSpec): ParamDef<unknown> | { field: string; message: string } {
  const description = spec.desc ?? '';
  switch (spec.type) {
    case 'int': {
      const min = spec.min ?? INT_DEFAULT_MIN;
      const max = spec.max ?? INT_DEFAULT_MAX;
      if (min > max) return { field: 'min', message: `must not be greater than max (${max}), got ${min}` };
      return int({ min, max, description, default: min }) as ParamDef<unknown>;
    }
    case 'bool':
      return bool({ description, default: false }) as ParamDef<unknown>;
    case 'string': {
      let narrow: RegExp | undefined;
      if (spec.pattern !== undefined) {
        try {
          narrow = new RegExp(`^(?:${spec.pattern})$`);
        } catch (err) {
          return { field: 'pattern', message: `must be a valid regular expression, got ${show(spec.pattern)} (${(err as Error).message})` };
        }
      }
      const allowed = narrow ? `a string matching /${spec.pattern}/ made of ${STRING_ALLOWED}` : `a string of ${STRING_ALLOWED}`;
      const base = str({ description, default: '', allowed, pattern: SAFE_STRING });
      return coerceNumbers({ ...base, parse: (raw) => { const v = base.parse(raw); return v !== undefined && (narrow?.test(v) ?? true) ? v : undefined; } });
    }
    case 'enum': {
      const values = (spec.values ?? []).map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v));
      if (values.length === 0) return { field: 'values', message: 'is required for an enum param: the list of allowed words' };
      const seen = new Set<unknown>();
      for (const [i, v] of values.entries()) {
        if (typeof v !== 'string' || !SAFE_STRING.test(v)) return { field: `values[${i}]`, message: `must be ${STRING_ALLOWED}, got ${show(v)}` };
        if (seen.has(v)) return { field: `values[${i}]`, message: `${show(v)} is listed twice` };
        seen.add(v);
      }
      return coerceNumbers(oneOf({ description, default: '', values: values as string[] }));
    }
    case 'list':
      return coerceNumbers(list({ description, default: [], item: SAFE_ITEM, allowed: `a YAML list or ";"-separated ${ITEM_ALLOWED}` }));
    case 'dict':
      return dict({ description, default: {}, key: DICT_KEY, value: DICT_VALUE, allowed: `a YAML mapping or ";"-separated ${DICT_ALLOWED}` }) as ParamDef<unknown>;
  }
}

/** YAML numbers are accepted where a word is expected (`values: [1, 2]`, `mode: 1`). */
function coerceNumbers(def: ParamDef<unknown>): ParamDef<unknown> {
  return { ...def, parse: (raw) => def.parse(typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw) };
}
