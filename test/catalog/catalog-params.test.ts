import { CatalogParamSpec, catalogParamSchema, checkSafeText, substitutionText } from '../../lib/catalog';

const spec = (s: Partial<CatalogParamSpec> & Pick<CatalogParamSpec, 'type' | 'default'>): CatalogParamSpec => ({ key: 'p', ...s });

describe('catalogParamSchema', () => {
  it('builds a lib/core/params schema whose defaults are parsed with their own type', () => {
    // GIVEN one param of each type WHEN the schema is built THEN defaults are typed values
    const { schema, problems } = catalogParamSchema([
      spec({ key: 'n', type: 'int', default: '8', min: 1, max: 10, desc: 'n' }),
      spec({ key: 'b', type: 'bool', default: 'True' }),
      spec({ key: 's', type: 'string', default: 256, pattern: '[0-9]+' }),
      spec({ key: 'e', type: 'enum', default: 2, values: [1, 2] }),
      spec({ key: 'l', type: 'list', default: 'a;b' }),
      spec({ key: 'd', type: 'dict', default: 'k=v;x=1' }),
    ]);
    expect(problems).toEqual([]);
    expect(schema.resolve({}, 'x')).toEqual({ n: 8, b: true, s: '256', e: '2', l: ['a', 'b'], d: { k: 'v', x: '1' } });
    expect(schema.describe().map((r) => [r.key, r.type, r.default])).toEqual([
      ['n', 'int', '8'], ['b', 'bool', 'true'], ['s', 'string', '256'], ['e', 'enum', '2'], ['l', 'list', 'a;b'], ['d', 'dict', 'k=v;x=1'],
    ]);
  });

  it('bounds an int to 0 .. 2^31-1 unless the manifest says otherwise', () => {
    const { schema } = catalogParamSchema([spec({ type: 'int', default: 0 })]);
    expect(() => schema.resolve({ p: -1 }, 'w')).toThrow('w.p: must be an integer from 0 to 2147483647, got -1');
    expect(schema.resolve({ p: '2147483647' }, 'w')).toEqual({ p: 2147483647 });
  });

  it('narrows a string with its pattern but never widens the safe characters', () => {
    const { schema } = catalogParamSchema([spec({ type: 'string', default: 'a', pattern: '.*' })]);
    expect(schema.resolve({ p: 'a-b.c' }, 'w')).toEqual({ p: 'a-b.c' });
    expect(() => schema.resolve({ p: 'a b' }, 'w')).toThrow(/^w\.p: must be a string matching \/\.\*\/ made of /);
  });

  it('reports each inconsistent spec with its field', () => {
    const { problems } = catalogParamSchema([
      spec({ type: 'int', default: 5, min: 9, max: 1 }),
      spec({ type: 'enum', default: 'a', values: ['a', 'a'] }),
      spec({ type: 'enum', default: 'a', values: ['a', 'b c'] }),
      spec({ type: 'string', default: 'x', pattern: '(' }),
      spec({ type: 'list', default: [] }),
    ]);
    expect(problems.map((p) => [p.index, p.field, p.message.split(',')[0]])).toEqual([
      [0, 'min', 'must not be greater than max (1)'],
      [1, 'values[1]', '"a" is listed twice'],
      [2, 'values[1]', 'must be 1 to 256 of letters'],
      [3, 'pattern', 'must be a valid regular expression'],
      [4, 'default', 'must be a YAML list or ";"-separated items of 1 to 256 letters'],
    ]);
  });
});

describe('substitutionText', () => {
  it('writes numbers and booleans as such, lists and dicts comma-joined', () => {
    expect(substitutionText('k', 4)).toBe('4');
    expect(substitutionText('k', false)).toBe('false');
    expect(substitutionText('k', ['set', 'get'])).toBe('set,get');
    expect(substitutionText('k', { a: '1', b: 'x' })).toBe('a=1,b=x');
  });

  it('fails when the text is not safe (defence in depth)', () => {
    expect(() => substitutionText('k', 'a b')).toThrow('param "k": "a b" cannot be substituted safely (allowed: letters, digits and _ . , : / @ + = -)');
    expect(() => checkSafeText('namespace', '')).toThrow('namespace: "" cannot be substituted safely');
  });
});
