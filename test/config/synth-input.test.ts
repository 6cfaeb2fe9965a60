import { join } from 'node:path';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { loadConfig, loadMerged } from '../../lib/config/synth-input';
import { hashPassword } from '../../lib/guest/ssh';
import { synthesize } from '../../lib/render/synth';
import { DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';
import { PUBLIC_KEY, PUBLIC_KEY_2, scratch, writeFiles } from '../cli/_run';
import { parseManifests } from '../support/validators';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const load = (flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadConfig({ flags, env, cwd: dir });
const problemOf = (flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
  try {
    load(flags, env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('loadConfig', () => {
  it('turns no configuration into the default SynthInput', () => {
    const { input, configPath } = load();
    expect(configPath).toBeUndefined();
    expect(input).toEqual(expect.objectContaining({
      namespace: 'virtwork', runId: 'default', image: 'quay.io/containerdisks/fedora:42', cpuCores: 2, memory: '2Gi', dataDiskSize: '10Gi',
      ssh: undefined,
      workloads: DEFAULT_WORKLOADS.map((name) => expect.objectContaining({ name, vmCount: 1, cpuCores: 2, memory: '2Gi', dataDiskSize: '10Gi', params: {} })),
    }));
  });

  it('merges params per key: --params > VIRTWORK_PARAMS > file, each source checked', () => {
    writeFiles(dir, { 'virtwork.yaml': 'workloads:\n  cpu:\n    params: { cpu-load-percent: 10, cpu-method: fft }\n' });
    const { input } = load({ workloads: ['cpu'], params: ['cpu.cpu-load-percent=30'] }, { VIRTWORK_PARAMS: 'cpu.cpu-load-percent=20,cpu.cpu-method=ackermann' });
    expect(input.workloads).toEqual([expect.objectContaining({ name: 'cpu', params: { 'cpu-load-percent': '30', 'cpu-method': 'ackermann' } })]);
  });

  it('reports every params problem of every source at once', () => {
    writeFiles(dir, { 'virtwork.yaml': 'workloads:\n  cpu:\n    params: { cpu-load-percent: 0 }\n' });
    expect(problemOf({ workloads: ['cpu,memory'], params: ['memory.vm-stressors=x'] }, { VIRTWORK_PARAMS: 'cpu.nope=1,disk.runtime=5' }).split('\n')).toEqual([
      'VIRTWORK_PARAMS: disk: workload "disk" is not selected (selected: cpu, memory)',
      'virtwork.yaml: workloads.cpu.params.cpu-load-percent: must be an integer from 1 to 100, got 0',
      'VIRTWORK_PARAMS: cpu.nope: unknown param; known params: cpu-load-percent, cpu-method',
      '--params: memory.vm-stressors: must be an integer from 1 to 64, got "x"',
    ]);
  });

  it('checks the params of every entry of the file, selected or not, and reports them the same way (issue 13, item 12)', () => {
    // GIVEN entries that are not selected: a built-in with a hostile param, a catalog entry, an instance of a type
    writeFiles(dir, { 'virtwork.yaml': [
      'workloads:',
      '  chaos-process:',
      '    params: { signal: "SIGTERM; rm -rf /" }',
      '  redis-bench:',
      '    params: { num-clients: 0 }',
      '  cpu-heavy:',
      '    workload: cpu',
      '    params: { cpu-load-percnt: 90 }',
      '  memory:',
      '    params: { vm-stressors: 2 }',
      '',
    ].join('\n') });
    // WHEN only cpu is selected, THEN every bad entry is reported, each at its key, and nothing is synthesized
    expect(problemOf({ workloads: ['cpu'] }).split('\n')).toEqual([
      'virtwork.yaml: workloads.chaos-process.params.signal: must be a signal name: SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCONT, SIGSTOP, SIGTSTP (the SIG prefix is optional), got "SIGTERM; rm -rf /"',
      expect.stringMatching(/^virtwork\.yaml: workloads\.redis-bench\.params\.num-clients: must be an integer from 1 to \d+, got 0$/),
      'virtwork.yaml: workloads.cpu-heavy.params.cpu-load-percnt: unknown param (did you mean "cpu-load-percent"?); known params: cpu-load-percent, cpu-method',
    ]);
    // AND the same file with valid entries loads, the unselected ones left out of the synthesis input
    writeFiles(dir, { 'virtwork.yaml': 'workloads:\n  chaos-process:\n    params: { signal: SIGKILL }\n  memory:\n    params: { vm-stressors: 2 }\n' });
    expect(load({ workloads: ['cpu'] }).input.workloads.map((w) => w.name)).toEqual(['cpu']);
  });

  it('reads every key of every key file, relative to the configuration file', () => {
    // GIVEN key files referenced from a configuration in a sub-directory, and one more from the environment
    writeFiles(dir, {
      'conf/virtwork.yaml': 'ssh-key-files: [keys/team.pub]\n',
      'conf/keys/team.pub': `# the team\n${PUBLIC_KEY}\n\n${PUBLIC_KEY_2}\n${PUBLIC_KEY}\n`,
    });

    // WHEN loaded with a password from the environment
    const { input } = load({ config: 'conf/virtwork.yaml', workloads: ['cpu'] }, { VIRTWORK_SSH_PASSWORD: 'pw' });

    // THEN every key is there once and the password is hashed
    expect(input.ssh).toEqual({ name: 'virtwork', sshAuthorizedKeys: [PUBLIC_KEY, PUBLIC_KEY_2], hashedPassword: hashPassword('virtwork', 'pw') });
    const secret = parseManifests(synthesize(input).get('cpu.yaml')!).find((o) => o.kind === 'Secret')!;
    expect((parseCloudConfig(secret.stringData.userdata) as any).users[0].hashed_passwd).toBe(hashPassword('virtwork', 'pw'));
  });

  it('reads key files of a flag relative to the working directory', () => {
    writeFiles(dir, { 'a.pub': `${PUBLIC_KEY}\n` });
    expect(load({ sshKeyFile: ['a.pub'], workloads: ['cpu'] }).input.ssh?.sshAuthorizedKeys).toEqual([PUBLIC_KEY]);
    expect(problemOf({ sshKeyFile: ['empty.pub'] })).toBe(`--ssh-key-file: SSH key file "empty.pub" does not exist (resolved to ${join(dir, 'empty.pub')})`);
    writeFiles(dir, { 'empty.pub': '# nothing\n' });
    expect(problemOf({ sshKeyFile: ['empty.pub'] })).toBe('--ssh-key-file: SSH key file "empty.pub" holds no public key');
  });

  it('loads the selected catalog entries from the catalog next to the file, and the shipped ones', () => {
    writeFiles(dir, {
      'virtwork.yaml': 'workloads:\n  hello: { enabled: true, vm-count: 2 }\n',
      'catalog/hello/hello.service': '[Service]\nExecStart=/usr/bin/true\n',
    });
    const loaded = load({}, { VIRTWORK_WORKLOADS: 'hello,sysbench' });
    expect(Object.keys(loaded.registry)).toEqual(expect.arrayContaining(['cpu', 'hello', 'sysbench']));
    expect(loaded.catalog.dirs).toEqual([join(dir, 'catalog'), expect.stringMatching(/catalog$/)]);
    expect(loaded.input.workloads.map((w) => [w.name, w.vmCount])).toEqual([['hello', 2], ['sysbench', 1]]);
  });
});

describe('loadMerged', () => {
  it('reports the problems of every layer together', () => {
    writeFiles(dir, { 'virtwork.yaml': 'memory: x\n' });
    expect(() => loadMerged({ flags: { cpuCores: '0' }, env: { VIRTWORK_VM_COUNT: '0' }, cwd: dir })).toThrow(
      /^--cpu-cores: .*\nVIRTWORK_VM_COUNT: .*\nvirtwork\.yaml: memory: .*$/,
    );
  });
});
