import { z } from 'zod';
import { parseQuantity } from '../core/quantity';

/** Environment variables by name (`process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * How one kind of value is typed, checked and documented: the zod schema accepts a YAML value from
 * `virtwork.yaml` as well as the text of an environment variable or flag (after {@link Kind.fromText}).
 */
export interface Kind<T> {
  /** Type name shown in docs (`int`, `string`, `quantity`, `list of strings`, …). */
  readonly type: string;
  /** What is allowed, completing "must be …" in error messages and docs. */
  readonly allowed: string;
  /** Checks (and coerces) a value. */
  readonly schema: z.ZodType<T>;
  /** Turns the text of an environment variable into a value for `schema` (lists split it). */
  readonly fromText: (text: string) => unknown;
  /** For lists: how one flag occurrence splits into items; undefined means each occurrence is one item. */
  readonly splitFlag?: (text: string) => string[];
  /** For lists: the kind of one item (its `allowed` names what a bad item should be). */
  readonly item?: Kind<string>;
  /** A specific problem with a bad value, said instead of "must be …" and without echoing the value. */
  readonly explain?: (value: unknown) => string | undefined;
}

/** One configuration setting: its kind plus where it may be given and how it is documented. */
export interface Setting<T = unknown> extends Kind<T> {
  /** Key in `virtwork.yaml` (hyphenated). Underscore spellings are accepted as aliases. */
  readonly key: string;
  /** Other accepted spellings (e.g. the Go tool's name); each also gives an alias environment variable. */
  readonly aliases?: readonly string[];
  /** Default value; undefined when the setting is unset by default. */
  readonly default?: T;
  /** The default as documented, when it is not a plain value (e.g. computed). */
  readonly defaultDoc?: string;
  /** Environment variable, when there is one. */
  readonly env?: string;
  /** commander flag of `virtwork synth` (e.g. `--cpu-cores <n>`), when there is one. */
  readonly flag?: string;
  /** The flag may be repeated; the values accumulate. */
  readonly repeatable?: boolean;
  /** Why the key may not appear in `virtwork.yaml`; undefined when it may. */
  readonly notInFile?: string;
  /** The key may also be set under `workloads.<name>`, for that workload only. */
  readonly perWorkload?: boolean;
  /** Never echo the value in messages (passwords). */
  readonly secret?: boolean;
  /** One-line meaning, shown in docs and `--help`. */
  readonly description: string;
}

/** Defines a setting from a kind and its metadata. */
export function setting<T>(kind: Kind<T>, meta: Omit<Setting<T>, keyof Kind<T>> & Partial<Pick<Kind<T>, 'allowed' | 'type'>>): Setting<T> {
  return { ...kind, ...meta };
}

const asText = z.union([z.string(), z.number().transform(String)]);

/** A string matching `pattern` (YAML numbers are accepted and read as text). */
export function textKind(o: { readonly pattern: RegExp; readonly allowed: string; readonly type?: string }): Kind<string> {
  return {
    type: o.type ?? 'string',
    allowed: o.allowed,
    schema: asText.pipe(z.string().regex(o.pattern)),
    fromText: (text) => text,
  };
}

/** An integer within [min, max] (YAML integers, or digits as text). */
export function intKind(min: number, max: number): Kind<number> {
  return {
    type: 'int',
    allowed: `an integer from ${min} to ${max}`,
    schema: z.union([z.number(), z.string().regex(/^\s*[+-]?\d+\s*$/).transform(Number)]).pipe(z.int().min(min).max(max)),
    fromText: (text) => text,
  };
}

/** A positive Kubernetes byte quantity such as `512Mi`, `2Gi` or `10G`. */
export function quantityKind(): Kind<string> {
  return {
    type: 'quantity',
    allowed: 'a positive quantity like 512Mi, 2Gi or 10G',
    schema: asText.pipe(z.string().refine((v) => (parseQuantity(v) ?? 0) > 0)),
    fromText: (text) => text,
  };
}

/** `true` or `false` (YAML booleans; the words in any case from the environment). */
export function boolKind(): Kind<boolean> {
  return {
    type: 'bool',
    allowed: 'true or false',
    schema: z.union([z.boolean(), z.string().regex(/^(true|false)$/i).transform((v) => v.toLowerCase() === 'true')]),
    fromText: (text) => text,
  };
}

/** One word of a fixed set. */
export function oneOfKind<T extends string>(values: readonly T[]): Kind<T> {
  return {
    type: 'enum',
    allowed: `one of ${values.join(', ')}`,
    schema: z.string().refine((v): v is T => (values as readonly string[]).includes(v)) as unknown as z.ZodType<T>,
    fromText: (text) => text,
  };
}

/**
 * A comma that starts a new public key: followed by a key type (`ssh-…`, `ecdsa-sha2-…`, `sk-…`) and base64 that
 * starts like every OpenSSH key blob (`AAAA`). A comma inside a key's comment never matches.
 */
const KEY_COMMA = /,\s*(?=(?:ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9@.-]+)\s+AAAA)/;

/** Public SSH keys from text: one per line, and the Go virtwork's comma-separated form (commas before a key type). */
export function splitKeys(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => line.split(KEY_COMMA));
}

/** How list items are separated in the text of an environment variable (or of one flag occurrence). */
export const SEPARATORS = {
  comma: { name: 'commas', split: (t: string) => t.split(',') },
  keys: { name: 'newlines, or commas before a key type', split: splitKeys },
  words: { name: 'commas or spaces', split: (t: string) => t.split(/[,\s]+/) },
  newline: { name: 'newlines', split: (t: string) => t.split(/\r?\n/) },
  colon: { name: "':'", split: (t: string) => t.split(':') },
} as const;

/**
 * A list of items of kind `item`: a YAML sequence in `virtwork.yaml`; in an environment variable, items
 * separated by `envSeparator`; as a flag, repeatable, each occurrence split by `flagSeparator` if given.
 */
export function listKind(
  item: Kind<string>,
  o: { readonly allowed: string; readonly envSeparator: keyof typeof SEPARATORS; readonly flagSeparator?: keyof typeof SEPARATORS },
): Kind<string[]> {
  const clean = (items: string[]) => items.map((s) => s.trim()).filter((s) => s.length > 0);
  const flagSplit = o.flagSeparator === undefined ? undefined : SEPARATORS[o.flagSeparator].split;
  return {
    type: 'list of strings',
    allowed: o.allowed,
    schema: z.array(item.schema),
    item,
    fromText: (text) => clean(SEPARATORS[o.envSeparator].split(text)),
    splitFlag: flagSplit && ((text) => clean(flagSplit(text))),
  };
}
