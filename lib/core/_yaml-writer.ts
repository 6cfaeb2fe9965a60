import { DocumentOptions, Scalar, SchemaOptions, ToStringOptions, stringify } from 'yaml';
import { stringTag, stringifyNumber } from 'yaml/util';

/**
 * Options of every manifest document: no line folding, multi-line strings as `|` block literals. `directives: false`
 * and `aliasDuplicateObjects: false` change no byte of a manifest (it has no tags to declare, and an object used twice
 * is written twice, never as an anchor and alias) and spare `yaml` a walk over every document looking for tags and a
 * lookup of every object looking for repeats.
 */
export const YAML_OPTIONS = { lineWidth: 0, blockQuote: 'literal', directives: false, aliasDuplicateObjects: false } as const;

/** Serializes one object; multi-line strings become block literals so that diffs are line by line. */
export function toYamlDocument(obj: unknown): string {
  // blockQuote 'literal' renders every multi-line string value as `|` (as forcing BLOCK_LITERAL on each scalar
  // would, without a second walk over the document: a third of the serialization time at fleet scale)
  return stringify(obj, YAML_OPTIONS);
}

type StringStringify = NonNullable<typeof stringTag.stringify>;
type StringifyContext = Parameters<StringStringify>[1];
type Options = DocumentOptions & SchemaOptions & ToStringOptions & { aliasDuplicateObjects: boolean };
type Rendered = { text: string; chompKeep: boolean };

/** Options of {@link yamlDocumentWriter}. */
export interface YamlWriterOptions {
  /**
   * The bytes of `stringify(obj, { lineWidth: 0, blockQuote: 'literal' })`, `yaml`'s defaults otherwise: an object met
   * twice in a document is written as an anchor and aliases (such a document takes `yaml`'s own path). Without it, the
   * bytes of `stringify(obj, YAML_OPTIONS)`: an object used twice is written twice.
   * @default false
   */
  readonly aliasDuplicateObjects?: boolean;
  /**
   * Distinct strings the memo holds before it is emptied (a writer kept for a whole process stays bounded).
   * @default unbounded
   */
  readonly maxMemoStrings?: number;
}

/** Thrown by the structural walk for a value it does not lay out itself; the document then takes `yaml`'s own path. */
const NOT_PLAIN = Symbol('not plain data');
/** `yaml` writes a key longer than this as an explicit `? key` (left to `yaml`). */
const MAX_IMPLICIT_KEY = 1024;

/**
 * A serializer of manifest documents: the same bytes as `stringify(obj, YAML_OPTIONS)`, several times faster at fleet
 * scale. Two parts:
 *
 * - **Scalars** are rendered by `yaml`'s own string tag (from `yaml/util`), once per distinct string and context (key
 *   or value, flow or block, forced block indent, indentation): a fleet repeats the same user-data, unit text, labels
 *   and keys thousands of times, and `yaml` would scan and quote-check every copy. Numbers go through `yaml`'s
 *   `stringifyNumber`, booleans and null are `yaml`'s default words.
 * - **Structure** (block maps and sequences of plain data) is laid out here directly, instead of building a `yaml`
 *   node per value first and stringifying the node tree: with these options and data without comments, tags or
 *   anchors, `yaml`'s block layout is `key: value` / `key:⏎<indent>…` per pair and `- item` per sequence entry, two
 *   spaces per level, `{}` and `[]` for empty collections. The rules are those of `yaml`'s `stringifyPair` and
 *   `stringifyBlockCollection`; test/yaml-writer.test.ts compares the bytes with `yaml.stringify` on hostile data.
 *
 * Anything else (a top-level scalar or array, a class instance, a Map, a key `yaml` would write as `? key`) takes
 * `yaml`'s own path for that document, through the same scalar memo. Use one writer per synthesis: the memo lives as
 * long as the writer.
 */
export function yamlDocumentWriter(o: YamlWriterOptions = {}): (obj: unknown) => string {
  const aliases = o.aliasDuplicateObjects ?? false;
  const maxMemo = o.maxMemoStrings ?? Infinity;
  // memo[context] = rendered text per string value; context = implicitKey | inFlow | forceBlockIndent | indent
  const memo = new Map<string, Map<string, Rendered>>();
  let memoStrings = 0;
  const byContext = (key: string) => {
    let byValue = memo.get(key);
    if (!byValue) memo.set(key, (byValue = new Map()));
    return byValue;
  };
  const memoString: StringStringify = (item, ctx, onComment, onChompKeep) => {
    const scalar = item as { type?: unknown; comment?: unknown; value?: unknown };
    // nodes made from plain data carry no style or comment; anything else takes yaml's own path
    if (scalar.type !== undefined || scalar.comment || typeof scalar.value !== 'string') {
      return stringTag.stringify!(item, ctx, onComment, onChompKeep);
    }
    const byValue = byContext(`${ctx.implicitKey ? 1 : 0}${ctx.inFlow ? 1 : 0}${ctx.forceBlockIndent ? 1 : 0}${ctx.indent.length}`);
    const known = byValue.get(scalar.value);
    if (known) {
      if (known.chompKeep) onChompKeep?.();
      return known.text;
    }
    let chompKeep = false;
    const text = stringTag.stringify!(item, ctx, onComment, () => {
      chompKeep = true;
      onChompKeep?.();
    });
    byValue.set(scalar.value, { text, chompKeep });
    memoStrings++;
    return text;
  };
  // yaml's own context of a block-style document with these options, captured once from a probe document
  let base: StringifyContext | undefined;
  const probe: StringStringify = (item, ctx, onComment, onChompKeep) => {
    base ??= ctx;
    return stringTag.stringify!(item, ctx, onComment, onChompKeep);
  };
  const own = aliases ? { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: true } as const : YAML_OPTIONS;
  const withTag = (tag: typeof stringTag): Options => ({ ...own, customTags: (tags) => tags.map((t) => (t === stringTag ? tag : t)) });
  stringify({ probe: 'probe' }, withTag({ ...stringTag, stringify: probe }));
  if (base === undefined) throw new Error('yaml did not render the probe document through its string tag');
  const blockContext = base;
  const options = withTag({ ...stringTag, stringify: memoString });

  // the block-context memo tables, by indentation (two spaces per level), keys and values apart
  const keyTables: Map<string, Rendered>[] = [];
  const valueTables: Map<string, Rendered>[] = [];
  const scalar = (value: string, implicitKey: boolean, indent: string): string => {
    const tables = implicitKey ? keyTables : valueTables;
    const level = indent.length;
    const byValue = (tables[level] ??= byContext(`${implicitKey ? 1 : 0}00${level}`));
    const known = byValue.get(value);
    if (known) return known.text;
    const ctx = { ...blockContext, implicitKey, indent, inFlow: null, forceBlockIndent: false, indentAtStart: undefined } as unknown as StringifyContext;
    let chompKeep = false;
    const text = stringTag.stringify!(new Scalar(value), ctx, undefined, () => (chompKeep = true));
    byValue.set(value, { text, chompKeep });
    memoStrings++;
    return text;
  };
  // with aliases, the objects of the document being written: one met twice sends the document to yaml
  const seen = new Set<object>();

  /** A block map at `indent` (the indentation of its lines after the first), or `{}`. */
  const map = (o: Record<string, unknown>, indent: string): string => {
    const inner = `${indent}  `;
    let out = '';
    let first = true;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === undefined) continue; // yaml leaves undefined values out of a map
      const key = scalar(k, true, inner);
      if (key.length > MAX_IMPLICIT_KEY) throw NOT_PLAIN;
      const pair = `${key}:${pairValue(v, inner)}`;
      out = first ? pair : `${out}\n${indent}${pair}`;
      first = false;
    }
    return first ? '{}' : out;
  };
  /** What follows `key:` for value `v` whose context indentation is `indent`. */
  const pairValue = (v: unknown, indent: string): string => {
    if (typeof v === 'string') {
      const s = scalar(v, false, indent);
      return s === '' || s[0] === '\n' ? s : ` ${s}`;
    }
    if (v !== null && typeof v === 'object') {
      const s = collection(v, indent);
      return s === '{}' || s === '[]' ? ` ${s}` : `\n${indent}${s}`;
    }
    return ` ${other(v)}`;
  };
  /** A block sequence at `indent`, or `[]`. */
  const seq = (a: readonly unknown[], indent: string): string => {
    const inner = `${indent}  `;
    let out = '';
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      const item = typeof v === 'string' ? scalar(v, false, inner) : v !== null && typeof v === 'object' ? collection(v, inner) : other(v);
      out = i === 0 ? `- ${item}` : `${out}\n${indent}- ${item}`;
    }
    return a.length === 0 ? '[]' : out;
  };
  const collection = (v: object, indent: string): string => {
    if (aliases) {
      if (seen.has(v)) throw NOT_PLAIN;
      seen.add(v);
    }
    if (Array.isArray(v)) return seq(v, indent);
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
    return map(v as Record<string, unknown>, indent);
  };
  /** A number, boolean, null or undefined (null in a sequence), as yaml's core schema writes them. */
  const other = (v: unknown): string => {
    if (typeof v === 'number' || typeof v === 'bigint') return stringifyNumber({ value: v } as Scalar);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (v === null || v === undefined) return 'null';
    throw NOT_PLAIN;
  };

  return (obj) => {
    if (memoStrings > maxMemo) {
      memo.clear();
      keyTables.length = 0;
      valueTables.length = 0;
      memoStrings = 0;
    }
    seen.clear();
    if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
      try {
        return `${collection(obj, '')}\n`;
      } catch (e) {
        if (e !== NOT_PLAIN) throw e;
      }
    }
    return stringify(obj, options);
  };
}
