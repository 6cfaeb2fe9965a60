import { join } from 'node:path';
import { findConfigFile, loadConfigFile, parseConfigFile } from '../../lib/config/loader';
import { PUBLIC_KEY, scratch, writeFiles } from '../cli/_run';

const parseText = (text: string) => parseConfigFile(text, 'virtwork.yaml', '/repo');
const problemOf = (text: string) => {
  try {
    parseText(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('parseConfigFile', () => {
  it('reads every setting and the workloads map under canonical names (snapshot)', () => {
    // GIVEN a file using hyphenated keys, underscore spellings and a Go alias
    const layer = parseText([
      'namespace: load', 'run_id: r1', 'container-disk-image: quay.io/img:1', 'vm-count: 2', 'cpu_cores: "3"', 'memory: 3Gi',
      'data_disk_size: 5Gi', 'catalog-dir: ./cat', 'ssh-user: me', 'ssh-password-hash: $6$saltsalt$abcdefghijkl',
      `ssh_authorized_keys: [${JSON.stringify(PUBLIC_KEY)}]`, 'ssh-key-files: [a.pub]',
      'workloads:', '  cpu:', '    vm_count: 3', '    params: { cpu-load-percent: 50 }', '  memory:', '    enabled: false',
      '  sysbench:', '  disk: { disk-size: 1Gi, cpu-cores: 1, memory: 1Gi }',
    ].join('\n'));

    // THEN it is validated, coerced and named by setting
    expect({ ...layer, workloads: Object.fromEntries(layer.workloads) }).toMatchSnapshot();
    expect(layer.settings).toEqual(expect.objectContaining({ runId: 'r1', image: 'quay.io/img:1', cpuCores: 3, diskSize: '5Gi' }));
    expect([...layer.workloads.keys()]).toEqual(['cpu', 'memory', 'sysbench', 'disk']);
    expect(layer.workloads.get('cpu')).toEqual({ enabled: undefined, settings: { vmCount: 3 }, params: { 'cpu-load-percent': 50 } });
    expect(layer.workloads.get('sysbench')).toEqual({ enabled: undefined, settings: {}, params: undefined });
    expect(layer).toEqual(expect.objectContaining({ path: 'virtwork.yaml', dir: '/repo' }));
  });

  it.each(['', '# only a comment\n', '---\n'])('reads an empty file %j as no settings', (text) => {
    expect(parseText(text)).toEqual({ path: 'virtwork.yaml', dir: '/repo', settings: {}, workloads: new Map() });
  });

  it.each([
    ['Namespace: x', 'virtwork.yaml: Namespace: unknown key (did you mean "namespace"?); known keys: '],
    ['zzzzzz: x', 'virtwork.yaml: zzzzzz: unknown key; known keys: namespace, '],
    ['"a b\\n": 1', 'virtwork.yaml: "a b\\n": unknown key; known keys: '],
    ['ssh_password: x', 'virtwork.yaml: ssh_password: not allowed in the file: a plaintext password'],
    ['vm-count: 1\nvm_count: 2', 'virtwork.yaml: vm-count and vm_count are the same setting (vm-count); keep one'],
    ['disk-size: 1Gi\ndata_disk_size: 2Gi', 'virtwork.yaml: disk-size and data_disk_size are the same setting (disk-size); keep one'],
    ['workloads:\n  Cpu: {}', 'virtwork.yaml: workloads: "Cpu" is not a workload name'],
    ['workloads:\n  cpu:\n    vm-count: 1\n    vm_count: 2', 'virtwork.yaml: workloads.cpu.vm-count and workloads.cpu.vm_count are the same setting'],
    ['workloads:\n  cpu:\n    namespace: x', 'virtwork.yaml: workloads.cpu.namespace: unknown key'],
    ['workloads:\n  cpu:\n    params: [a]', 'virtwork.yaml: workloads.cpu.params: must be a mapping of param names to values, got ["a"]'],
    ['ssh-authorized-keys: ssh-ed25519 AAAA', 'virtwork.yaml: ssh-authorized-keys: must be a list of public SSH key lines, got "ssh-ed25519 AAAA"'],
    ['namespace:', 'virtwork.yaml: namespace: must be a DNS-1123 label'],
    ['a: &x [*x]', 'virtwork.yaml'],
  ])('fails when the file says %j', (text, message) => {
    expect(problemOf(text)).toContain(message);
    expect(problemOf(text).split('\n')).toHaveLength(1);
  });

  it('reports every problem of the file, one per line', () => {
    expect(problemOf('cpu-cores: 0\nmemory: x\nnope: 1\nworkloads:\n  cpu:\n    enabled: 1').split('\n')).toEqual([
      expect.stringMatching(/^virtwork\.yaml: nope: unknown key/),
      'virtwork.yaml: cpu-cores: must be an integer from 1 to 512, got 0',
      'virtwork.yaml: memory: must be a positive quantity like 512Mi, 2Gi or 10G, got "x"',
      'virtwork.yaml: workloads.cpu.enabled: must be true or false, got 1',
    ]);
  });

  it('names the line and column of a YAML error', () => {
    expect(problemOf('namespace: a\nmemory: "2Gi\n')).toBe('virtwork.yaml:3:1: invalid YAML: Missing closing "quote');
    expect(problemOf('namespace: a\nworkloads:\n  cpu: {\n')).toMatch(/^virtwork\.yaml:4:1: invalid YAML: /);
  });
});

describe('findConfigFile / loadConfigFile', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch()));
  afterEach(() => cleanup());

  it('uses --config, else VIRTWORK_CONFIG, else ./virtwork.yaml when it exists, else nothing', () => {
    expect(findConfigFile({ env: {}, cwd: dir })).toBeUndefined();
    writeFiles(dir, { 'virtwork.yaml': 'namespace: here\n', 'other.yaml': 'namespace: other\n', 'env.yaml': '' });
    expect(findConfigFile({ env: {}, cwd: dir })).toBe('virtwork.yaml');
    expect(findConfigFile({ env: { VIRTWORK_CONFIG: 'env.yaml' }, cwd: dir })).toBe('env.yaml');
    expect(findConfigFile({ flag: 'other.yaml', env: { VIRTWORK_CONFIG: 'env.yaml' }, cwd: dir })).toBe('other.yaml');
    expect(findConfigFile({ env: { VIRTWORK_CONFIG: '' }, cwd: dir })).toBe('virtwork.yaml');
  });

  it('fails when a named file is missing or a directory', () => {
    writeFiles(dir, { 'sub/x': '' });
    expect(() => findConfigFile({ flag: 'nope.yaml', env: {}, cwd: dir })).toThrow('--config: configuration file "nope.yaml" does not exist');
    expect(() => findConfigFile({ env: { VIRTWORK_CONFIG: 'sub' }, cwd: dir })).toThrow('VIRTWORK_CONFIG: "sub" is not a file');
  });

  it('loads a file relative to the working directory, remembering its directory', () => {
    writeFiles(dir, { 'conf/v.yaml': 'namespace: there\n' });
    expect(loadConfigFile('conf/v.yaml', dir)).toEqual(expect.objectContaining({ path: 'conf/v.yaml', dir: join(dir, 'conf'), settings: { namespace: 'there' } }));
  });
});
