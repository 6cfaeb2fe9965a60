import { VirtworkError, show } from './errors';
import { parseQuantity } from './quantity';
import { didYouMean } from './_suggest';

/** One typed workload parameter: how it is parsed, its default, and how it is documented. */
export interface ParamDef<T> {
  /** Type name shown in docs and `virtwork workloads` (`int`, `bool`, `string`, `size`, …). */
  readonly type: string;
  /** One-line meaning. */
  readonly description: string;
  /** Value used when the user gives none. */
  readonly default: T;
  /** What is allowed, for error messages and docs (e.g. `an integer from 1 to 100`). */
  readonly allowed: string;
  /** Parses a value from configuration (YAML scalar, or a string from a flag); undefined when invalid. */
  readonly parse: (raw: unknown) => T | undefined;
}

type Defs = Record<string, ParamDef<unknown>>;
/** The resolved values of a params definition. */
export type ParamValues<D extends Defs> = { readonly [K in keyof D]: D[K] extends ParamDef<infer T> ? T : never };
/** What a user may pass: any subset of the keys, as typed values or strings. */
export type ParamInput<D extends Defs> = { readonly [K in keyof D]?: (D[K] extends ParamDef<infer T> ? T : never) | string };

/** A documented row per param, for docs and `virtwork workloads`. */
export interface ParamRow {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly allowed: string;
  readonly description: string;
}

/** A workload's params: their definitions plus resolution with precise errors. */
export class ParamSchema<D extends Defs> {
  public constructor(public readonly defs: D) {}

  /** Keys in definition order. */
  public get keys(): string[] {
    return Object.keys(this.defs);
  }

  /**
   * Resolves user input over the defaults. Every problem (unknown key with "did you mean", bad value)
   * is reported, one per line, prefixed with `where` (e.g. `virtwork.yaml: workloads.cpu.params`).
   */
  public resolve(input: Readonly<Record<string, unknown>> | undefined, where: string): ParamValues<D> {
    const problems: string[] = [];
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input ?? {}).sort()) {
      if (!(key in this.defs)) {
        problems.push(`${where}.${key}: unknown param${didYouMean(key, this.keys)}; known params: ${this.keys.join(', ')}`);
      }
    }
    for (const [key, def] of Object.entries(this.defs)) {
      const raw = input?.[key];
      if (raw === undefined) {
        out[key] = def.default;
        continue;
      }
      const value = def.parse(raw);
      if (value === undefined) problems.push(`${where}.${key}: must be ${def.allowed}, got ${show(raw)}`);
      else out[key] = value;
    }
    if (problems.length > 0) throw new VirtworkError(problems.join('\n'));
    return out as ParamValues<D>;
  }

  /** Documentation rows in definition order. */
  public describe(): ParamRow[] {
    return Object.entries(this.defs).map(([key, def]) => ({
      key,
      type: def.type,
      default: formatValue(def.default),
      allowed: def.allowed,
      description: def.description,
    }));
  }
}

/** Defines a workload's params. */
export function defineParams<D extends Defs>(defs: D): ParamSchema<D> {
  return new ParamSchema(defs);
}

/** Formats a param value the way a user writes it (`--params` grammar). */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(';');
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}=${v}`).join(';');
  return String(value);
}

interface Common<T> {
  readonly default: T;
  readonly description: string;
}

/** An integer within [min, max]. */
export function int(o: Common<number> & { readonly min: number; readonly max: number }): ParamDef<number> {
  return {
    type: 'int',
    description: o.description,
    default: o.default,
    allowed: `an integer from ${o.min} to ${o.max}`,
    parse: (raw) => {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      return Number.isInteger(n) && n >= o.min && n <= o.max ? n : undefined;
    },
  };
}

/** A decimal number within [min, max] (e.g. a percentage like 5.0), kept as written. */
export function decimal(o: Common<string> & { readonly min: number; readonly max: number }): ParamDef<string> {
  return {
    type: 'decimal',
    description: o.description,
    default: o.default,
    allowed: `a decimal number from ${o.min} to ${o.max} (e.g. ${o.default})`,
    parse: (raw) => {
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
      if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
      const n = Number(text);
      return n >= o.min && n <= o.max ? text : undefined;
    },
  };
}

/** `true` or `false` (YAML booleans or those words, any case). */
export function bool(o: Common<boolean>): ParamDef<boolean> {
  return {
    type: 'bool',
    description: o.description,
    default: o.default,
    allowed: 'true or false',
    parse: (raw) => {
      if (typeof raw === 'boolean') return raw;
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      return text === 'true' ? true : text === 'false' ? false : undefined;
    },
  };
}

/** A string matching `pattern` (so it is safe wherever it lands); `allowed` says what it accepts. */
export function str(o: Common<string> & { readonly pattern: RegExp; readonly allowed: string }): ParamDef<string> {
  return {
    type: 'string',
    description: o.description,
    default: o.default,
    allowed: o.allowed,
    parse: (raw) => {
      const text = typeof raw === 'number' ? String(raw) : raw;
      return typeof text === 'string' && o.pattern.test(text) ? text : undefined;
    },
  };
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(o: Common<T> & { readonly values: readonly T[] }): ParamDef<T> {
  return {
    type: 'enum',
    description: o.description,
    default: o.default,
    allowed: `one of ${o.values.join(', ')}`,
    parse: (raw) => (typeof raw === 'string' && (o.values as readonly string[]).includes(raw) ? (raw as T) : undefined),
  };
}

/** A size with a unit suffix (e.g. `4k`, `10M`), within [min, max] bytes; kept as written. */
export function size(o: Common<string> & { readonly pattern: RegExp; readonly example: string; readonly maxBytes: number }): ParamDef<string> {
  return {
    type: 'size',
    description: o.description,
    default: o.default,
    allowed: `a positive size like ${o.example}`,
    parse: (raw) => {
      if (typeof raw !== 'string' || !o.pattern.test(raw)) return undefined;
      const bytes = sizeBytes(raw);
      return bytes !== undefined && bytes > 0 && bytes <= o.maxBytes ? raw : undefined;
    },
  };
}

/** Bytes of a size written `<n><unit>` with unit k/K, m/M, g/G (powers of 1024), or a Kubernetes quantity. */
export function sizeBytes(text: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (m) return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
  return parseQuantity(text);
}

/** A `;`-separated list of words matching `item` (YAML lists are accepted too). */
export function list(o: Common<readonly string[]> & { readonly item: RegExp; readonly allowed: string }): ParamDef<readonly string[]> {
  return {
    type: 'list',
    description: o.description,
    default: o.default,
    allowed: o.allowed,
    parse: (raw) => {
      const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(';') : undefined;
      return items && items.length > 0 && items.every((i) => o.item.test(i)) ? items : undefined;
    },
  };
}

/**
 * A `;`-separated list of `key=value` entries (the value may contain `=`), or a YAML mapping; every key must
 * match `key` and every value `value`, keys are unique.
 */
export function dict(
  o: Common<Readonly<Record<string, string>>> & { readonly key: RegExp; readonly value: RegExp; readonly allowed: string },
): ParamDef<Readonly<Record<string, string>>> {
  return {
    type: 'dict',
    description: o.description,
    default: o.default,
    allowed: o.allowed,
    parse: (raw) => {
      let entries: [string, unknown][];
      if (typeof raw === 'string') {
        entries = raw.split(';').map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, undefined]));
      } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        entries = Object.entries(raw);
      } else return undefined;
      const keys = entries.map(([k]) => k);
      const ok = entries.length > 0 && new Set(keys).size === keys.length && entries.every(
        ([k, v]) => o.key.test(k) && (typeof v === 'string' || typeof v === 'number') && o.value.test(String(v)),
      );
      return ok ? Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) : undefined;
    },
  };
}

/** Signals a chaos workload may send, by name. */
export const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGABRT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM',
  'SIGCONT', 'SIGSTOP', 'SIGTSTP'] as const;

/** A signal name, with or without the `SIG` prefix, any case; resolved to the `SIGTERM` spelling. */
export function signal(o: Common<(typeof SIGNALS)[number]>): ParamDef<string> {
  return {
    type: 'signal',
    description: o.description,
    default: o.default,
    allowed: `a signal name: ${SIGNALS.join(', ')} (the SIG prefix is optional)`,
    parse: (raw) => {
      if (typeof raw !== 'string') return undefined;
      const name = raw.trim().toUpperCase();
      const full = name.startsWith('SIG') ? name : `SIG${name}`;
      return (SIGNALS as readonly string[]).includes(full) ? full : undefined;
    },
  };
}
