import { DocumentOptions, SchemaOptions, ToStringOptions, stringify } from 'yaml';
import { stringTag } from 'yaml/util';

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
type Options = DocumentOptions & SchemaOptions & ToStringOptions & { aliasDuplicateObjects: boolean };

/**
 * A serializer of manifest documents (the same bytes as `stringify(obj, YAML_OPTIONS)`) that renders each distinct
 * string once per place it can take: a fleet repeats the same user-data, unit text, labels and keys thousands of
 * times, and `yaml` would scan and quote-check every copy. Built on `yaml`'s own string tag (from `yaml/util`) through
 * its `customTags` hook; a string's rendering depends only on its value and on the context fields of the memo key
 * (key or value, flow or block, forced block indent, indentation), every other option being fixed here. Use one writer
 * per synthesis: the memo lives as long as the writer.
 */
export function yamlDocumentWriter(): (obj: unknown) => string {
  const memo = new Map<string, Map<string, { text: string; chompKeep: boolean }>>();
  const memoString: StringStringify = (item, ctx, onComment, onChompKeep) => {
    const scalar = item as { type?: unknown; comment?: unknown; value?: unknown };
    // nodes made from plain data carry no style or comment; anything else takes yaml's own path
    if (scalar.type !== undefined || scalar.comment || typeof scalar.value !== 'string') {
      return stringTag.stringify!(item, ctx, onComment, onChompKeep);
    }
    const key = `${ctx.implicitKey ? 1 : 0}${ctx.inFlow ? 1 : 0}${ctx.forceBlockIndent ? 1 : 0}${ctx.indent.length}`;
    let byValue = memo.get(key);
    if (!byValue) memo.set(key, (byValue = new Map()));
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
    return text;
  };
  const tag = { ...stringTag, stringify: memoString };
  const options: Options = { ...YAML_OPTIONS, customTags: (tags) => tags.map((t) => (t === stringTag ? tag : t)) };
  return (obj) => stringify(obj, options);
}
