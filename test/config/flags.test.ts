import { flagAttribute, longFlag, readFlags } from '../../lib/config/flags';
import { PUBLIC_KEY } from '../cli/_run';

const problemOf = (opts: Record<string, unknown>) => {
  try {
    readFlags(opts);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('longFlag / flagAttribute', () => {
  it.each([
    ['-n, --namespace <name>', '--namespace', 'namespace'],
    ['--cpu-cores <n>', '--cpu-cores', 'cpuCores'],
    ['--ssh-key-file <path>', '--ssh-key-file', 'sshKeyFile'],
    ['--no-wait', '--no-wait', 'wait'],
  ])('%s → %s, %s', (spec, long, attribute) => {
    expect(longFlag(spec)).toBe(long);
    expect(flagAttribute(spec)).toBe(attribute);
  });
});

describe('readFlags', () => {
  it('reads the options commander parsed: repeatable keys whole, workloads split on commas, params merged', () => {
    // GIVEN options as commander hands them over
    const keyWithComma = `${PUBLIC_KEY.split(' ').slice(0, 2).join(' ')} a,b`;
    const layer = readFlags({
      namespace: 'ns', cpuCores: '4', sshKey: [keyWithComma, PUBLIC_KEY], sshKeyFile: ['a.pub', 'b,c.pub'],
      workloads: ['cpu,memory', 'disk'], params: ['cpu.cpu-method=all,memory.vm-stressors=2', 'cpu.cpu-load-percent=5'],
      output: 'ignored', config: 'ignored',
    });

    // THEN the values are typed, named by their flags
    expect(layer.settings).toEqual({ namespace: 'ns', cpuCores: 4, sshAuthorizedKeys: [keyWithComma, PUBLIC_KEY], sshKeyFiles: ['a.pub', 'b,c.pub'] });
    expect(layer.where).toEqual({ namespace: '--namespace', cpuCores: '--cpu-cores', sshAuthorizedKeys: '--ssh-key', sshKeyFiles: '--ssh-key-file' });
    expect(layer.workloads).toEqual({ names: ['cpu', 'memory', 'disk'], where: '--workloads' });
    expect(layer.params).toEqual({ values: { cpu: { 'cpu-method': 'all', 'cpu-load-percent': '5' }, memory: { 'vm-stressors': '2' } }, where: '--params' });
  });

  it('reads nothing from no options', () => {
    expect(readFlags({})).toEqual({ settings: {}, where: {} });
  });

  it('reports every bad flag, one per line', () => {
    expect(problemOf({ cpuCores: '0', sshKey: ['nope'], params: ['x=1'] }).split('\n')).toEqual([
      '--cpu-cores: must be an integer from 1 to 512, got "0"',
      '--ssh-key: must be one public SSH key line like "ssh-ed25519 AAAA… user@host", got "nope"',
      '--params: missing workload prefix in "x=1" (expected workload.key=value)',
    ]);
  });

  it('never echoes a password', () => {
    expect(problemOf({ sshPassword: 'top\nsecret' })).toBe('--ssh-password: must be a non-empty single line (value not shown)');
  });
});
