import { envNames, readEnv } from '../../lib/config/env';
import { SETTINGS } from '../../lib/config/schema';
import { PUBLIC_KEY, PUBLIC_KEY_2 } from '../cli/_run';

const problemOf = (env: Record<string, string>) => {
  try {
    readEnv(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('readEnv', () => {
  it('reads every setting from its variable, typed, and remembers the variable', () => {
    // GIVEN a variable for every setting
    const env = {
      VIRTWORK_NAMESPACE: 'ns', VIRTWORK_RUN_ID: 'r', VIRTWORK_CONTAINER_DISK_IMAGE: 'img:1', VIRTWORK_VM_COUNT: '2',
      VIRTWORK_CPU_CORES: '3', VIRTWORK_MEMORY: '1Gi', VIRTWORK_DISK_SIZE: '5Gi', VIRTWORK_CATALOG_DIR: 'cat',
      VIRTWORK_SSH_USER: 'me', VIRTWORK_SSH_PASSWORD: 'pw with spaces, and commas', VIRTWORK_SSH_PASSWORD_HASH: '$6$saltsalt$abcdefgh',
      VIRTWORK_SSH_AUTHORIZED_KEYS: `${PUBLIC_KEY}\n\n${PUBLIC_KEY_2}\n`, VIRTWORK_SSH_KEY_FILES: 'a.pub:/b.pub',
      VIRTWORK_WORKLOADS: 'cpu, memory', VIRTWORK_PARAMS: 'cpu.cpu-method=all,memory.vm-stressors=2',
    };

    // WHEN read
    const layer = readEnv(env);

    // THEN every value is typed and each names its variable
    expect(layer.settings).toEqual({
      namespace: 'ns', runId: 'r', image: 'img:1', vmCount: 2, cpuCores: 3, memory: '1Gi', diskSize: '5Gi', catalogDir: 'cat',
      sshUser: 'me', sshPassword: 'pw with spaces, and commas', sshPasswordHash: '$6$saltsalt$abcdefgh',
      sshAuthorizedKeys: [PUBLIC_KEY, PUBLIC_KEY_2], sshKeyFiles: ['a.pub', '/b.pub'],
    });
    expect(layer.where.image).toBe('VIRTWORK_CONTAINER_DISK_IMAGE');
    expect(layer.where.cpuCores).toBe('VIRTWORK_CPU_CORES');
    expect(layer.workloads).toEqual({ names: ['cpu', 'memory'], where: 'VIRTWORK_WORKLOADS' });
    expect(layer.params).toEqual({ values: { cpu: { 'cpu-method': 'all' }, memory: { 'vm-stressors': '2' } }, where: 'VIRTWORK_PARAMS' });
  });

  it('treats an empty variable as unset and ignores variables that are not VIRTWORK_*', () => {
    expect(readEnv({ VIRTWORK_NAMESPACE: '', VIRTWORK_WORKLOADS: '', VIRTWORK_PARAMS: '', HOME: '/', VIRTWORKS: 'x' }))
      .toEqual({ settings: {}, where: {}, notes: [] });
  });

  it('fails on an unknown VIRTWORK_* variable, even an empty one, with "did you mean"', () => {
    expect(() => readEnv({ VIRTWORK_OTHER: 'x', VIRTWORK_NAMSPACE: '' })).toThrow(
      'VIRTWORK_NAMSPACE: unknown variable (did you mean "VIRTWORK_NAMESPACE"?); virtwork reads the VIRTWORK_* variables of docs/configuration.md (unset it, or fix the name)\n' +
      'VIRTWORK_OTHER: unknown variable (did you mean "VIRTWORK_SIZE"?); virtwork reads the VIRTWORK_* variables of docs/configuration.md (unset it, or fix the name)');
  });

  it('reads a Go virtwork variable that moved as a note, and passes the allowlisted ones', () => {
    const layer = readEnv({ VIRTWORK_VERBOSE: 'true', VIRTWORK_AUDIT_DB: 'a.sqlite', VIRTWORK_CRD_DIR: '/crds' });
    expect(layer.settings).toEqual({});
    expect(layer.notes).toEqual([expect.stringMatching(/^note: VIRTWORK_VERBOSE: a Go virtwork setting, ignored; here: no setting/)]);
  });

  it.each([
    [{ VIRTWORK_VM_COUNT: '1.5' }, 'VIRTWORK_VM_COUNT: must be an integer from 1 to 1000, got "1.5"'],
    [{ VIRTWORK_DISK_SIZE: '1Gi', VIRTWORK_DATA_DISK_SIZE: '2Gi' }, 'VIRTWORK_DISK_SIZE and VIRTWORK_DATA_DISK_SIZE are the same setting (disk-size); set one'],
    [{ VIRTWORK_WORKLOADS: 'cpu,Memory' }, 'VIRTWORK_WORKLOADS (item 2): must be a workload name'],
    [{ VIRTWORK_PARAMS: 'cpu' }, 'VIRTWORK_PARAMS: missing workload prefix in "cpu"'],
    [{ VIRTWORK_SSH_PASSWORD_HASH: 'plain' }, 'VIRTWORK_SSH_PASSWORD_HASH: must be a crypt(3) hash starting with $6$, $5$, $y$ or $2b$ (e.g. from `openssl passwd -6`) (value not shown)'],
  ])('fails when %j', (env, message) => {
    expect(problemOf(env)).toContain(message);
  });

  it('never echoes a secret', () => {
    expect(problemOf({ VIRTWORK_SSH_PASSWORD: 's3cr3t\nline2' })).toBe('VIRTWORK_SSH_PASSWORD: must be a non-empty single line (value not shown)');
    expect(problemOf({ VIRTWORK_SSH_PASSWORD_HASH: 's3cr3t' })).not.toContain('s3cr3t');
  });

  it('reports every bad variable, one per line', () => {
    expect(problemOf({ VIRTWORK_VM_COUNT: '0', VIRTWORK_MEMORY: 'x' }).split('\n')).toHaveLength(2);
  });
});

describe('envNames', () => {
  it('is the variable, then one per alias', () => {
    expect(envNames(SETTINGS.namespace)).toEqual(['VIRTWORK_NAMESPACE']);
    expect(envNames(SETTINGS.image)).toEqual(['VIRTWORK_IMAGE', 'VIRTWORK_CONTAINER_DISK_IMAGE']);
  });
});
