import { catalogReadinessChecks, catalogReadinessProblems } from '../../lib/catalog/catalog-readiness';

const PARAMS = [{ key: 'test-duration', type: 'int' }, { key: 'loop-delay', type: 'int' }, { key: 'mode', type: 'enum' }];

describe('catalog readiness (readiness: of workload.yaml)', () => {
  it('turns a heartbeat period with params into a bound of two periods and two minutes, per role', () => {
    const specs = [{ listen: 3306, role: 'server' }, { heartbeat: 'sysbench', every: '{{test-duration}} + {{loop-delay}} * 2', what: 'OLTP run', role: 'client' }];
    const values = new Map([['test-duration', '300'], ['loop-delay', '10']]);
    expect(catalogReadinessChecks(specs, 'server', values, 'w')).toEqual([{ kind: 'listen', name: 'listen-3306', port: 3306 }]);
    expect(catalogReadinessChecks(specs, 'client', values, 'w')).toEqual([{ kind: 'heartbeat', name: 'sysbench', within: 760, what: 'OLTP run' }]);
  });

  it('leaves the default (every unit active) to VMs the entry names no check for', () => {
    expect(catalogReadinessChecks([{ listen: 80, role: 'server' }], 'client', new Map(), 'w')).toBeUndefined();
    expect(catalogReadinessChecks(undefined, undefined, new Map(), 'w')).toBeUndefined();
  });

  it.each([
    [{ heartbeat: 'x', listen: 1 }, 'readiness[0]: give exactly one of heartbeat (a name the scripts pass to virtwork-heartbeat) or listen (a TCP port)'],
    [{}, 'readiness[0]: give exactly one of heartbeat (a name the scripts pass to virtwork-heartbeat) or listen (a TCP port)'],
    [{ heartbeat: '../x', every: 5 }, `readiness[0].heartbeat: must be 1 to 100 letters, digits, '@', '.', '_' or '-', got "../x"`],
    [{ heartbeat: 'x' }, 'readiness[0].every: is required with heartbeat: the seconds between two heartbeats of a working loop, e.g. "{{test-duration}} + {{loop-delay}}"'],
    [{ heartbeat: 'x', every: '{{mode}} + 1' }, 'readiness[0].every: {{mode}} is a enum param; only int params can be added up'],
    [{ heartbeat: 'x', every: '{{nope}}' }, 'readiness[0].every: {{nope}} is not a param of this entry'],
    [{ heartbeat: 'x', every: '$(reboot)' }, 'readiness[0].every: must be whole seconds, int params and + or *, e.g. "{{test-duration}} + {{loop-delay}} + 30", got "$(reboot)"'],
    [{ listen: 80, every: 5 }, 'readiness[0].every: applies only to heartbeat'],
    [{ listen: 80, role: 'db' }, 'readiness[0].role: unknown role "db"; roles: server, client'],
  ])('refuses %j with one precise line', (spec, message) => {
    expect(catalogReadinessProblems([spec], ['server', 'client'], PARAMS)).toEqual([message]);
  });
});
