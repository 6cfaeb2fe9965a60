import { envNames } from '../../lib/config/env';
import { longFlag } from '../../lib/config/flags';
import {
  SETTINGS, WORKLOAD_ENTRY, WORKLOAD_FLAGS, configFileSchema, fileKeys, perWorkloadSettings, settingAt, workloadEntryKeys,
} from '../../lib/config/schema';
import { Setting } from '../../lib/config/setting';

const all = Object.entries(SETTINGS) as Array<[string, Setting]>;

describe('SETTINGS', () => {
  it.each(all)('%s: hyphenated key, VIRTWORK_<KEY> variable and a long flag when it has them, a description', (_name, s) => {
    expect(s.key).toMatch(/^[a-z]+(-[a-z]+)*$/);
    if (s.env !== undefined) expect(s.env).toBe(`VIRTWORK_${s.key.toUpperCase().replace(/-/g, '_')}`);
    if (s.flag !== undefined) expect(longFlag(s.flag)).toMatch(/^--[a-z]+(-[a-z0-9]+)*$/);
    expect(s.description).toMatch(/^[A-Za-z`].*\.$/);
  });

  it('gives every setting of virtwork synth before the VM options a variable and a flag', () => {
    for (const name of ['namespace', 'runId', 'image', 'vmCount', 'cpuCores', 'memory', 'diskSize', 'catalogDir', 'sshUser', 'sshPassword',
      'sshPasswordHash', 'sshAuthorizedKeys', 'sshKeyFiles'] as const) {
      expect([name, typeof SETTINGS[name].env, typeof SETTINGS[name].flag]).toEqual([name, 'string', 'string']);
    }
  });

  it.each(all.filter(([, s]) => s.default !== undefined))('%s: the default passes its own schema', (_name, s) => {
    expect(s.schema.safeParse(s.default)).toEqual({ success: true, data: s.default });
  });

  it('keeps file keys, aliases and flags unique', () => {
    const spellings = all.flatMap(([, s]) => [s.key, ...(s.aliases ?? [])]);
    expect(new Set(spellings).size).toBe(spellings.length);
    const flags = [...all.map(([, s]) => s.flag), ...Object.values(WORKLOAD_FLAGS).map((s) => s.flag)].filter((f): f is string => f !== undefined).map(longFlag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(all.flatMap(([, s]) => envNames(s))).size).toBe(all.flatMap(([, s]) => envNames(s)).length);
  });

  it('gives an alias its own variable (the Go tool\'s names)', () => {
    expect(envNames(SETTINGS.image)).toEqual(['VIRTWORK_IMAGE', 'VIRTWORK_CONTAINER_DISK_IMAGE']);
    expect(envNames(SETTINGS.diskSize)).toEqual(['VIRTWORK_DISK_SIZE', 'VIRTWORK_DATA_DISK_SIZE']);
  });

  it('keeps the plaintext password out of the file and its value out of messages', () => {
    expect(SETTINGS.sshPassword.notInFile).toMatch(/ssh-password-hash/);
    expect(SETTINGS.sshPassword.secret).toBe(true);
    expect(SETTINGS.sshPasswordHash.secret).toBe(true);
    expect(fileKeys()).not.toContain('ssh-password');
  });

  it('lets vm-count, cpu-cores, memory and disk-size be set per workload', () => {
    expect(perWorkloadSettings().map(([, s]) => s.key)).toEqual(expect.arrayContaining(['vm-count', 'cpu-cores', 'memory', 'disk-size']));
    expect(workloadEntryKeys()[0]).toBe('enabled');
    expect(workloadEntryKeys().at(-1)).toBe('params');
    expect(workloadEntryKeys()).toEqual(expect.arrayContaining(['vm-count', 'cpu-cores', 'memory', 'disk-size']));
  });
});

describe('configFileSchema', () => {
  it('accepts every default at its key and rejects unknown keys', () => {
    const defaults = Object.fromEntries(all.filter(([, s]) => s.default !== undefined && !s.notInFile).map(([, s]) => [s.key, s.default]));
    expect(configFileSchema().parse({ ...defaults, workloads: { cpu: { enabled: true, 'vm-count': 2, params: { x: 1 } } } }))
      .toEqual({ ...defaults, workloads: { cpu: { enabled: true, 'vm-count': 2, params: { x: 1 } } } });
    expect(configFileSchema().safeParse({ nope: 1 }).success).toBe(false);
    expect(configFileSchema().safeParse({ workloads: { cpu: { nope: 1 } } }).success).toBe(false);
  });
});

describe('settingAt', () => {
  it('finds the kind of a key path, the item kind of a list index', () => {
    expect(settingAt(['cpu-cores'])).toBe(SETTINGS.cpuCores);
    expect(settingAt(['ssh-authorized-keys', 2])).toBe(SETTINGS.sshAuthorizedKeys.item);
    expect(settingAt(['workloads', 'cpu', 'vm-count'])).toBe(SETTINGS.vmCount);
    expect(settingAt(['workloads', 'cpu', 'enabled'])).toBe(WORKLOAD_ENTRY.enabled);
    expect(settingAt(['workloads', 'cpu', 'namespace'])).toBeUndefined();
    expect(settingAt(['nope'])).toBeUndefined();
  });
});
