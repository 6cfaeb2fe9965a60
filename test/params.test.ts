import { SIGNALS, defineParams, dict, formatValue, list, signal } from '../lib/core/params';

const SCHEMA = defineParams({
  env: dict({
    default: { MODE: 'fast' },
    key: /^[A-Z_][A-Z0-9_]{0,31}$/,
    value: /^[A-Za-z0-9._:/=-]*$/,
    allowed: 'a ";"-separated list of KEY=value entries (KEY in capitals)',
    description: 'Environment of the benchmark',
  }),
  sig: signal({ default: 'SIGTERM', description: 'Signal to send' }),
  names: list({ default: [], item: /^[a-z]+$/, allowed: 'a ";"-separated list of lowercase words', description: 'Names' }),
});

describe('dict params', () => {
  it.each([
    ['A=1', { A: '1' }],
    ['A=1;B_2=x=y', { A: '1', B_2: 'x=y' }],
    ['A=', { A: '' }],
    [{ A: 'a', B: 7 }, { A: 'a', B: '7' }],
  ])('parses %j', (raw, expected) => {
    expect(SCHEMA.resolve({ env: raw }, 'w.params').env).toEqual(expected);
  });

  it('defaults when absent, and formats back into the --params grammar', () => {
    expect(SCHEMA.resolve({}, 'w.params').env).toEqual({ MODE: 'fast' });
    expect(formatValue({ A: '1', B: 'x=y' })).toBe('A=1;B=x=y');
  });

  it.each<[unknown, string]>([
    ['', 'empty'],
    ['A=1;;B=2', 'empty element'],
    ['A=1;', 'trailing ;'],
    ['A', 'no ='],
    ['a=1', 'key not allowed'],
    ['A=1;A=2', 'duplicate key'],
    ['A=$(reboot)', 'value not allowed'],
    ['A=x y', 'space in value'],
    [['A=1'], 'a YAML list'],
    [{ A: { nested: true } }, 'a nested mapping'],
    [{}, 'an empty mapping'],
  ])('fails when given %j (%s)', (raw: unknown) => {
    expect(() => SCHEMA.resolve({ env: raw }, 'w.params')).toThrow(
      `w.params.env: must be a ";"-separated list of KEY=value entries (KEY in capitals), got ${JSON.stringify(raw)}`,
    );
  });
});

describe('signal params', () => {
  it.each([
    ['SIGTERM', 'SIGTERM'],
    ['sigkill', 'SIGKILL'],
    ['hup', 'SIGHUP'],
    [' USR1 ', 'SIGUSR1'],
  ])('resolves %j to %j', (raw, expected) => {
    expect(SCHEMA.resolve({ sig: raw }, 'w.params').sig).toBe(expected);
  });

  it.each(['SIGFOO', '9', '-9', 'TERM;reboot', '$(reboot)', ''])('fails when given %j', (raw) => {
    expect(() => SCHEMA.resolve({ sig: raw }, 'w.params')).toThrow(
      `w.params.sig: must be a signal name: ${SIGNALS.join(', ')} (the SIG prefix is optional), got ${JSON.stringify(raw)}`,
    );
  });
});

describe('list params', () => {
  it('parses ;-separated strings and YAML lists, and rejects empty elements', () => {
    expect(SCHEMA.resolve({ names: 'a;b' }, 'w.params').names).toEqual(['a', 'b']);
    expect(SCHEMA.resolve({ names: ['c'] }, 'w.params').names).toEqual(['c']);
    expect(SCHEMA.resolve({}, 'w.params').names).toEqual([]);
    expect(() => SCHEMA.resolve({ names: 'a;;b' }, 'w.params')).toThrow('w.params.names: must be a ";"-separated list of lowercase words, got "a;;b"');
  });
});
