import { parseParamsFlag } from '../lib/config/params-grammar';

describe('parseParamsFlag', () => {
  it.each([
    ['', {}],
    ['   ', {}],
    ['cpu.cpu-load-percent=50', { cpu: { 'cpu-load-percent': '50' } }],
    ['cpu.cpu-load-percent=50,memory.memory-percent=60', { cpu: { 'cpu-load-percent': '50' }, memory: { 'memory-percent': '60' } }],
    ['cpu.a=1,cpu.b=2', { cpu: { a: '1', b: '2' } }],
    // a comma followed by something that is not `<workload>.<key>=` belongs to the value
    ['redis-bench.test-mode=set,get', { 'redis-bench': { 'test-mode': 'set,get' } }],
    ['redis-bench.test-mode=set,get,cpu.cpu-method=fft', { 'redis-bench': { 'test-mode': 'set,get' }, cpu: { 'cpu-method': 'fft' } }],
    ['r.m=set,,get', { r: { m: 'set,,get' } }],
    ['r.m=a, b', { r: { m: 'a, b' } }],
    // the key ends at the first '=', the value may hold '=' and '.'
    ['catalog.env=A=1;B=2', { catalog: { env: 'A=1;B=2' } }],
    ['nginx.url=http://x.y/?a=b', { nginx: { url: 'http://x.y/?a=b' } }],
    // keys may contain dots (the workload ends at the first one)
    ['sysbench.mysql.port=3306', { sysbench: { 'mysql.port': '3306' } }],
    // whitespace around pairs and empty pairs are dropped
    [' cpu.a=1 ,  memory.b=2 ', { cpu: { a: '1' }, memory: { b: '2' } }],
    [',cpu.a=1,,memory.b=2,', { cpu: { a: '1' }, memory: { b: '2' } }],
  ])('parses %j', (raw, expected) => {
    expect(parseParamsFlag(raw, '--params')).toEqual(expected);
  });

  it('keeps hostile values verbatim for the typed params to reject (it never interprets them)', () => {
    expect(parseParamsFlag("cpu.cpu-method=$(reboot); rm -rf /,memory.vm-method='x'", 'VIRTWORK_PARAMS')).toEqual({
      cpu: { 'cpu-method': '$(reboot); rm -rf /' },
      memory: { 'vm-method': "'x'" },
    });
  });

  it.each([
    ['cpu-load-percent=50', '--params: missing workload prefix in "cpu-load-percent=50" (expected workload.key=value)'],
    ['cpu.cpu-load-percent', '--params: missing "=" in "cpu.cpu-load-percent" (expected workload.key=value)'],
    ['.key=1', '--params: invalid workload name "" in ".key=1" (lowercase letters, digits and \'-\')'],
    ['CPU.key=1', '--params: invalid workload name "CPU" in "CPU.key=1"'],
    ['cpu.=1', '--params: invalid param key "" in "cpu.=1"'],
    ['cpu.__proto__=1', '--params: invalid param key "__proto__" in "cpu.__proto__=1"'],
    ['cpu.a b=1', '--params: invalid param key "a b" in "cpu.a b=1"'],
    ['cpu.a=', '--params: empty value in "cpu.a=" (expected workload.key=value)'],
    ['cpu.a=1,cpu.a=2', '--params: cpu.a is given twice ("1" and "2")'],
  ])('fails when given %j', (raw, message) => {
    expect(() => parseParamsFlag(raw, '--params')).toThrow(message);
  });

  it('names the source in its errors', () => {
    expect(() => parseParamsFlag('oops', 'VIRTWORK_PARAMS')).toThrow(/^VIRTWORK_PARAMS: missing workload prefix/);
  });
});
