import { stringify } from 'yaml';
import { YAML_OPTIONS, yamlDocumentWriter } from '../lib/core/_yaml-writer';

/** Strings whose rendering depends on where they stand: quoting, block headers, chomping, document markers. */
const HOSTILE = [
  '', 'plain', 'true', 'null', '1.0', '0x1F', '1e3', '~', '- dash', '? q', 'a: b', 'x #y', ' lead', 'trail ', 'colon:',
  '#c', '@at', '`tick', '"dq"', "'sq'", 'multi\nline\n', 'keep\n\n', 'strip\nno-newline', '\n\nleading newlines',
  '  indented\nblock\n', '---\ndocument marker\n', '...\n', 'tab\there', 'ctl\u0001char', 'trailing ws line \nnext\n',
  'ü unicode ✓', 'a\n\n\nb\n', 'end spaces\n  \n',
];

describe('yamlDocumentWriter', () => {
  it('GIVEN hostile strings as keys, values, list items and at the top level, repeated WHEN written THEN the bytes equal yaml.stringify', () => {
    const write = yamlDocumentWriter();
    const docs: unknown[] = [
      ...HOSTILE,
      HOSTILE,
      Object.fromEntries(HOSTILE.map((s, i) => [s, HOSTILE[HOSTILE.length - 1 - i]])),
      { a: { b: { c: HOSTILE, d: [HOSTILE, { e: HOSTILE }] } } },
      { empty: {}, list: [], n: 1, f: 1.5, t: true, z: null },
    ];
    // twice, so that the second pass is served from the memo
    for (const doc of [...docs, ...docs]) expect(write(doc)).toBe(stringify(doc, YAML_OPTIONS));
  });

  it('GIVEN 3,000 random documents (nested maps and lists, every scalar type, empty and undefined values) WHEN written THEN the bytes equal yaml.stringify', () => {
    const write = yamlDocumentWriter();
    let seed = 19;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const SCALARS: unknown[] = [...HOSTILE, 0, -0, 1, -7, 0.1, 1e21, 2 ** 53 + 2, NaN, Infinity, -Infinity, true, false, null, undefined, 10n];
    const value = (depth: number): unknown => {
      const r = rand(10);
      if (depth > 4 || r < 5) return SCALARS[rand(SCALARS.length)];
      if (r < 8) {
        const o: Record<string, unknown> = {};
        for (let i = rand(5); i > 0; i--) o[HOSTILE[rand(HOSTILE.length)] + (rand(3) === 0 ? String(rand(100)) : '')] = value(depth + 1);
        return o;
      }
      return Array.from({ length: rand(5) }, () => value(depth + 1));
    };
    for (let i = 0; i < 3000; i++) {
      const doc = { root: value(0), [HOSTILE[rand(HOSTILE.length)]]: value(1) };
      expect(write(doc)).toBe(stringify(doc, YAML_OPTIONS));
    }
  });

  it('GIVEN aliasDuplicateObjects and a bounded memo WHEN documents with and without shared objects are written THEN the bytes equal yaml.stringify with yaml\'s defaults', () => {
    const write = yamlDocumentWriter({ aliasDuplicateObjects: true, maxMemoStrings: 5 });
    const shared = { a: HOSTILE, b: [1, 2] };
    const docs: unknown[] = [{ x: shared, y: shared }, { x: [shared, shared] }, { list: HOSTILE, again: { list: HOSTILE } }, { x: { ...shared }, y: { ...shared } }];
    for (const doc of [...docs, ...docs]) expect(write(doc)).toBe(stringify(doc, { lineWidth: 0, blockQuote: 'literal' }));
  });

  it('GIVEN what it does not lay out itself (a long key, a class instance, a Map, a top-level list) WHEN written THEN yaml.stringify writes it', () => {
    const write = yamlDocumentWriter();
    const docs: unknown[] = [{ ['k'.repeat(1100)]: 1 }, { when: new Date(0) }, { m: new Map([['a', 1]]) }, [{ a: 1 }], 'top', 5];
    for (const doc of docs) expect(write(doc)).toBe(stringify(doc, YAML_OPTIONS));
  });

});
