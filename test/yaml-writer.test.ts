import { stringify } from 'yaml';
import { YAML_OPTIONS, yamlDocumentWriter } from '../lib/_yaml-writer';

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

});
