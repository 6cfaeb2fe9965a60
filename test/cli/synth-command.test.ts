import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { fileKeys, workloadEntryKeys } from '../../lib/config/schema';
import { SYNC_WAVE_ANNOTATION } from '../../lib/render/synth';
import { DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';
import { K8sObject, parseManifests, validateObjects } from '../support/validators';
import { PRIVATE_KEY, PUBLIC_KEY, PUBLIC_KEY_2, readTree, scratch, virtwork, writeFiles } from './_run';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const objectsOf = (tree: Record<string, string>) =>
  Object.entries(tree).filter(([f]) => f !== 'kustomization.yaml').flatMap(([, text]) => parseManifests(text));
const vms = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'VirtualMachine');
const userData = (objs: K8sObject[], vm: string) =>
  parseCloudConfig(objs.find((o) => o.kind === 'Secret' && o.metadata.name === `${vm}-cloudinit`)!.stringData.userdata) as any;

describe('virtwork synth', () => {
  it('renders the default configuration into dist/: one file per workload, the namespace and a kustomization', async () => {
    // GIVEN an empty directory and no VIRTWORK_* variables
    // WHEN synth runs without flags
    const r = await virtwork(['synth'], dir);

    // THEN it succeeds and names what it wrote
    expect(r).toEqual({ code: 0, err: '', out: expect.stringMatching(/^wrote \d+ files to dist\/: /) });
    const tree = readTree(join(dir, 'dist'));
    expect(Object.keys(tree)).toEqual([...DEFAULT_WORKLOADS.map((w) => `${w}.yaml`), 'kustomization.yaml', 'namespace.yaml'].sort());
    // AND the kustomization lists the namespace first, then the workloads by name
    expect(parse(tree['kustomization.yaml'])).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['namespace.yaml', ...DEFAULT_WORKLOADS.map((w) => `${w}.yaml`).sort()],
    });
    // AND every object is in namespace virtwork with run id "default", one VM per workload role
    const objs = objectsOf(tree);
    expect(objs.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'virtwork')).toBe(true);
    expect(objs.every((o) => o.metadata.labels['virtwork/run-id'] === 'default' || o.kind === 'Namespace')).toBe(true);
    expect(vms(objs).map((v) => v.metadata.name)).toContain('virtwork-cpu-0');
  });

  it('annotates sync waves: Namespace -1, Services and Secrets 0, VirtualMachines 1', async () => {
    // WHEN the default configuration is synthesized
    await virtwork(['synth'], dir);
    const objs = objectsOf(readTree(join(dir, 'dist')));

    // THEN each kind has its wave, so Argo CD creates what a VM needs before the VM
    const waves = new Map(objs.map((o) => [o.kind, o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]));
    expect(Object.fromEntries(waves)).toEqual(expect.objectContaining({ Namespace: '-1', Secret: '0', VirtualMachine: '1' }));
    expect(objs.filter((o) => o.kind === 'Service').every((o) => o.metadata.annotations[SYNC_WAVE_ANNOTATION] === '0')).toBe(true);
    expect(objs.every((o) => typeof o.metadata.annotations?.[SYNC_WAVE_ANNOTATION] === 'string')).toBe(true);
  });

  it('passes every validator (CRD schemas, cloud-init, systemd, shellcheck) for a configured run (snapshot)', async () => {
    // GIVEN a configuration touching every setting of the file
    writeFiles(dir, {
      'keys.pub': `# team keys\n${PUBLIC_KEY}\n\n${PUBLIC_KEY_2}\n`,
      'virtwork.yaml': [
        'namespace: load-test', 'run-id: r-2024.1', 'image: quay.io/containerdisks/fedora:41', 'vm-count: 1',
        'cpu_cores: 3', 'memory: 3Gi', 'disk-size: 20Gi', 'ssh-user: tester', 'ssh-key-files: [keys.pub]',
        'workloads:', '  cpu:', '    vm-count: 2', '    params: { cpu-load-percent: 40 }', '  memory: { enabled: false }',
        '  disk: { enabled: false }', '  database: { enabled: false }', '  network: { enabled: false }', '  tps: { enabled: false }',
      ].join('\n'),
    });

    // WHEN synthesized
    const r = await virtwork(['synth'], dir);
    expect(r.err).toBe('');
    const tree = readTree(join(dir, 'dist'));
    const objs = objectsOf(tree);

    // THEN the files match the snapshot and every object passes the real validators
    expect(tree).toMatchSnapshot();
    expect(validateObjects(objs)).toEqual([]);
    // AND the settings landed where they belong
    expect(vms(objs).map((v) => v.metadata.name)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    const vm = vms(objs)[0];
    expect(vm.metadata.namespace).toBe('load-test');
    expect(vm.metadata.labels['virtwork/run-id']).toBe('r-2024.1');
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(3);
    expect(JSON.stringify(vm)).toContain('quay.io/containerdisks/fedora:41');
    const ud = userData(objs, 'virtwork-cpu-0');
    expect(ud.users).toEqual([expect.objectContaining({ name: 'tester', ssh_authorized_keys: [PUBLIC_KEY, PUBLIC_KEY_2] })]);
    expect(ud.write_files.find((f: any) => f.path.endsWith('virtwork-cpu.service')).content).toContain('--cpu-load 40');
  });

  it('applies flags over environment over file over defaults, per key and per workload', async () => {
    // GIVEN a file, environment variables and flags that disagree
    writeFiles(dir, { 'virtwork.yaml': 'vm-count: 2\nmemory: 3Gi\nworkloads:\n  cpu:\n    vm-count: 4\n    memory: 5Gi\n' });
    const env = { VIRTWORK_MEMORY: '6Gi', VIRTWORK_NAMESPACE: 'from-env', VIRTWORK_WORKLOADS: 'cpu,memory' };

    // WHEN synth runs with a flag for some of them
    const r = await virtwork(['synth', '--namespace', 'from-flag'], dir, env);
    expect(r.err).toBe('');
    const objs = objectsOf(readTree(join(dir, 'dist')));

    // THEN the flag wins over the variable, the variable over the file (even per workload), and the
    // per-workload key over the file's top level
    const memOf = (o: K8sObject) => o.spec.template.spec.domain.resources?.requests?.memory ?? o.spec.template.spec.domain.memory?.guest;
    expect(new Set(objs.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))).toEqual(new Set(['from-flag']));
    expect(vms(objs).map((v) => v.metadata.name)).toEqual([
      'virtwork-cpu-0', 'virtwork-cpu-1', 'virtwork-cpu-2', 'virtwork-cpu-3', 'virtwork-memory-0', 'virtwork-memory-1',
    ]);
    expect(new Set(vms(objs).map(memOf))).toEqual(new Set(['6Gi']));
  });

  it('removes the files of workloads that are no longer selected and writes byte-identical output twice', async () => {
    // GIVEN a dist/ of cpu and memory
    await virtwork(['synth', '-w', 'cpu,memory'], dir);
    const first = readTree(join(dir, 'dist'));
    await virtwork(['synth', '-w', 'cpu,memory'], dir);
    expect(readTree(join(dir, 'dist'))).toEqual(first);

    // WHEN memory is dropped
    await virtwork(['synth', '-w', 'cpu'], dir);

    // THEN memory.yaml is gone and the kustomization no longer lists it; cpu.yaml is unchanged
    const after = readTree(join(dir, 'dist'));
    expect(Object.keys(after)).toEqual(['cpu.yaml', 'kustomization.yaml', 'namespace.yaml']);
    expect(parse(after['kustomization.yaml']).resources).toEqual(['namespace.yaml', 'cpu.yaml']);
    expect(after['cpu.yaml']).toBe(first['cpu.yaml']);
  });

  it('writes --output-dir, else CDK8S_OUTDIR, else dist', async () => {
    await virtwork(['synth', '-w', 'cpu'], dir, { CDK8S_OUTDIR: 'from-env' });
    const r = await virtwork(['synth', '-w', 'cpu', '-d', 'from-flag'], dir, { CDK8S_OUTDIR: 'from-env' });
    await virtwork(['synth', '-w', 'cpu', '--output-dir', 'from-long-flag'], dir);
    expect(r.err).toBe('');
    expect(Object.keys(readTree(join(dir, 'from-env')))).toContain('cpu.yaml');
    expect(Object.keys(readTree(join(dir, 'from-flag')))).toContain('cpu.yaml');
    expect(Object.keys(readTree(join(dir, 'from-long-flag')))).toContain('cpu.yaml');
    expect(readTree(join(dir, 'dist'))).toEqual({});
  });

  it('finds virtwork.yaml from a subdirectory of the repository and writes dist/ beside it', async () => {
    // GIVEN a repository with virtwork.yaml at its root, and a reader in a subdirectory
    writeFiles(dir, { '.git/HEAD': 'ref: refs/heads/main\n', 'virtwork.yaml': 'vm-count: 2\nworkloads:\n  memory:\n    enabled: false\n', 'docs/x': '' });

    // WHEN synth runs there
    const r = await virtwork(['synth'], join(dir, 'docs'));

    // THEN it used the root's virtwork.yaml and wrote the root's dist/, not docs/dist/
    expect(r).toEqual({ code: 0, err: '', out: 'wrote 3 files to ../dist/: cpu.yaml, kustomization.yaml, namespace.yaml\n' });
    expect(vms(objectsOf(readTree(join(dir, 'dist')))).map((v) => v.metadata.name)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    expect(readTree(join(dir, 'docs', 'dist'))).toEqual({});
  });

  it('does not look above the root of the git work tree', async () => {
    writeFiles(dir, { 'virtwork.yaml': 'vm-count: x\n', 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/sub/x': '' });
    const r = await virtwork(['synth', '-w', 'cpu'], join(dir, 'repo', 'sub'));
    expect(r).toEqual({ code: 0, err: '', out: 'wrote 3 files to dist/: cpu.yaml, kustomization.yaml, namespace.yaml\n' });
  });

  it('still takes the deprecated -o / --output, with one note on stderr', async () => {
    // WHEN the old spelling names the output directory
    const r = await virtwork(['synth', '-w', 'cpu', '-o', 'old'], dir);

    // THEN it is used, and one line says what to write instead
    expect(r.code).toBe(0);
    expect(r.err).toBe('virtwork: note: -o/--output is deprecated, use -d/--output-dir ("old" used)\n');
    expect(Object.keys(readTree(join(dir, 'old')))).toContain('cpu.yaml');
    // AND it is not advertised in --help
    expect((await virtwork(['synth', '--help'], dir)).out).not.toMatch(/-o, --output/);
  });

  it('fails with a usage error when both spellings are given', async () => {
    const r = await virtwork(['synth', '-o', 'a', '-d', 'b'], dir);
    expect(r).toEqual({ code: 2, out: '', err: 'virtwork: -o/--output and -d/--output-dir are the same option; give -d/--output-dir\n' });
    expect(readTree(dir)).toEqual({});
  });

  it('hashes a password (the plaintext reaches neither dist/ nor the output) and keeps keys whole', async () => {
    // GIVEN a password from the environment and a key whose comment holds a comma
    const password = 'pl41n-T3xt,secret';
    const key = `${PUBLIC_KEY.split(' ').slice(0, 2).join(' ')} alice,bob@example.org`;

    // WHEN synthesized
    const r = await virtwork(['synth', '-w', 'cpu', '--ssh-key', key, '--ssh-key', PUBLIC_KEY_2], dir, { VIRTWORK_SSH_PASSWORD: password });

    // THEN the user has a SHA-512 crypt hash and both keys, each whole
    expect(r.code).toBe(0);
    const tree = readTree(join(dir, 'dist'));
    const user = userData(objectsOf(tree), 'virtwork-cpu-0').users[0];
    expect(user).toEqual(expect.objectContaining({ name: 'virtwork', ssh_authorized_keys: [key, PUBLIC_KEY_2] }));
    expect(user.hashed_passwd).toMatch(/^\$6\$/);
    expect(JSON.stringify(tree) + r.out + r.err).not.toContain('pl41n-T3xt');
  });

  it('passes params with commas in their values to catalog entries, repeated --params merging', async () => {
    // WHEN a catalog entry takes a comma-separated value
    const r = await virtwork(['synth', '-w', 'cpu', '-w', 'redis-bench', '--params', 'redis-bench.test-mode=set,get,incr,cpu.cpu-load-percent=30',
      '--params', 'redis-bench.num-clients=7'], dir);

    // THEN the whole value reaches the entry and each workload gets its own params
    expect(r.err).toBe('');
    const tree = readTree(join(dir, 'dist'));
    expect(Object.keys(tree)).toEqual(['cpu.yaml', 'kustomization.yaml', 'namespace.yaml', 'redis-bench.yaml']);
    expect(tree['redis-bench.yaml']).toMatch(/-t set,get,incr/);
    expect(tree['redis-bench.yaml']).toMatch(/-c 7/);
    expect(tree['cpu.yaml']).toContain('--cpu-load 30');
  });
});

/** A bad configuration: files to write, variables, flags, and the exact message (after "virtwork: "). */
interface BadCase {
  /** Only a flag's value is wrong: a usage error (exit 2). */
  readonly usage?: true;
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  readonly message: string | RegExp;
  /** Text that must not appear in the message (secrets). */
  readonly secret?: string;
}

const yaml = (text: string) => ({ 'virtwork.yaml': text });
const KNOWN_KEYS = fileKeys().join(', ');
const QUANTITY = 'must be a positive quantity like 512Mi, 2Gi or 10G';

const BAD: Record<string, BadCase> = {
  'an unknown key': { files: yaml('cpu-corez: 3'), message: `virtwork.yaml: cpu-corez: unknown key (did you mean "cpu-cores"?); known keys: ${KNOWN_KEYS}` },
  'a key given under two spellings': { files: yaml('cpu-cores: 2\ncpu_cores: 3'), message: 'virtwork.yaml: cpu-cores and cpu_cores are the same setting (cpu-cores); keep one' },
  'an alias given with its key': { files: yaml('image: a\ncontainer-disk-image: b'), message: 'virtwork.yaml: image and container-disk-image are the same setting (image); keep one' },
  'a plaintext password is in the file': {
    files: yaml('ssh-password: hunter2'), secret: 'hunter2',
    message: 'virtwork.yaml: ssh-password: not allowed in the file: a plaintext password does not belong in a file committed to Git: ' +
      'use ssh-password-hash (openssl passwd -6), or VIRTWORK_SSH_PASSWORD / --ssh-password',
  },
  'the namespace is not a DNS label': {
    files: yaml('namespace: Load'),
    message: 'virtwork.yaml: namespace: must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters), got "Load"',
  },
  'cpu-cores is 0': { files: yaml('cpu-cores: 0'), message: 'virtwork.yaml: cpu-cores: must be an integer from 1 to 512, got 0' },
  'cpu-cores is a word': { files: yaml('cpu-cores: two'), message: 'virtwork.yaml: cpu-cores: must be an integer from 1 to 512, got "two"' },
  'memory is not a quantity': { files: yaml('memory: lots'), message: `virtwork.yaml: memory: ${QUANTITY}, got "lots"` },
  'disk-size is negative': { files: yaml('disk-size: -1Gi'), message: `virtwork.yaml: disk-size: ${QUANTITY}, got "-1Gi"` },
  'vm-count is too large': { files: yaml('vm-count: 1001'), message: 'virtwork.yaml: vm-count: must be an integer from 1 to 1000, got 1001' },
  'the image holds a space': {
    files: yaml('image: "quay.io/x y"'),
    message: 'virtwork.yaml: image: must be a container image reference like quay.io/containerdisks/fedora:42, got "quay.io/x y"',
  },
  'the YAML does not parse': { files: yaml('namespace: [a,\n'), message: /^virtwork\.yaml:2:1: invalid YAML: / },
  'a YAML key is repeated': { files: yaml('namespace: a\nnamespace: b\n'), message: 'virtwork.yaml:2:1: invalid YAML: Map keys must be unique' },
  'the file holds two documents': { files: yaml('namespace: a\n---\nnamespace: b\n'), message: 'virtwork.yaml:2:1: invalid YAML: holds several YAML documents; keep one' },
  'the file is a list': { files: yaml('- cpu\n- memory\n'), message: `virtwork.yaml: must be a mapping of settings (${KNOWN_KEYS}), got ["cpu","memory"]` },
  'workloads is a list': { files: yaml('workloads: [cpu]'), message: 'virtwork.yaml: workloads: must be a mapping of workload names to their settings, got ["cpu"]' },
  'a workload entry is a number': {
    files: yaml('workloads:\n  cpu: 3'),
    message: `virtwork.yaml: workloads.cpu: must be a mapping of settings (${workloadEntryKeys().join(', ')}), got 3`,
  },
  'the workloads map names an unknown workload': { files: yaml('workloads:\n  cppu:\n    vm-count: 2'), message: /^virtwork\.yaml: workloads\.cppu: unknown workload "cppu" \(did you mean "cpu"\?\); available: chaos-disk, .*, tps, .*redis-bench/ },
  'a workload entry has an unknown key': {
    files: yaml('workloads:\n  cpu:\n    vm-cout: 2'),
    message: `virtwork.yaml: workloads.cpu.vm-cout: unknown key (did you mean "vm-count"?); known keys: ${workloadEntryKeys().join(', ')}`,
  },
  'enabled is not a boolean': { files: yaml('workloads:\n  cpu:\n    enabled: "yes"'), message: 'virtwork.yaml: workloads.cpu.enabled: must be true or false, got "yes"' },
  'a param is misspelled': {
    files: yaml('workloads:\n  cpu:\n    params:\n      cpu-load-percnt: 50'),
    message: 'virtwork.yaml: workloads.cpu.params.cpu-load-percnt: unknown param (did you mean "cpu-load-percent"?); known params: cpu-load-percent, cpu-method',
  },
  'a param is out of range': {
    files: yaml('workloads:\n  cpu:\n    params:\n      cpu-load-percent: 500'),
    message: 'virtwork.yaml: workloads.cpu.params.cpu-load-percent: must be an integer from 1 to 100, got 500',
  },
  'an authorized key is not a key': {
    files: yaml('ssh-authorized-keys: ["hello world"]'),
    message: 'virtwork.yaml: ssh-authorized-keys[0]: must be one public SSH key line like "ssh-ed25519 AAAA… user@host", got "hello world"',
  },
  'an authorized key is a private key': {
    files: yaml(`ssh-authorized-keys:\n  - ${JSON.stringify(PRIVATE_KEY)}`), secret: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    message: 'virtwork.yaml: ssh-authorized-keys[0]: is a private key (not shown): give the public key, e.g. the .pub file',
  },
  'a key file does not exist': {
    files: yaml('ssh-key-files: [nope.pub]'),
    message: /^virtwork\.yaml: ssh-key-files: SSH key file "nope\.pub" does not exist \(resolved to \/.*\/nope\.pub\)$/,
  },
  '--ssh-key-file does not exist': {
    args: ['--ssh-key-file', 'missing.pub'],
    message: /^--ssh-key-file: SSH key file "missing\.pub" does not exist \(resolved to \/.*\/missing\.pub\)$/,
  },
  'a key file is a private key': {
    files: { ...yaml('ssh-key-files: [id_ed25519]'), id_ed25519: PRIVATE_KEY }, secret: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    message: 'virtwork.yaml: ssh-key-files: id_ed25519: this is a private key; give the public key (the .pub file) instead',
  },
  'the catalog directory does not exist': {
    files: yaml('catalog-dir: my-catalog'),
    message: /^virtwork\.yaml: catalog-dir: catalog directory "my-catalog" does not exist \(resolved to \/.*\/my-catalog\)$/,
  },
  'every workload is disabled': {
    files: yaml(`workloads:\n${DEFAULT_WORKLOADS.map((w) => `  ${w}: { enabled: false }`).join('\n')}`),
    message: /^virtwork\.yaml: no workload selected; available: chaos-disk, /,
  },
  'the password hash is not a crypt hash': {
    files: yaml('ssh-password-hash: hunter2hunter2'), secret: 'hunter2',
    message: 'virtwork.yaml: ssh-password-hash: must be a crypt(3) hash starting with $6$, $5$, $y$ or $2b$ (e.g. from `openssl passwd -6`) (value not shown)',
  },
  'the ssh user is a system account': {
    files: yaml(`ssh-user: root\nssh-authorized-keys: [${JSON.stringify(PUBLIC_KEY)}]`),
    message: 'virtwork.yaml: ssh-user: user "root" is a system account; choose another name',
  },
  'a password variable spans two lines': {
    env: { VIRTWORK_SSH_PASSWORD: 'hunter2\nmore' }, secret: 'hunter2',
    message: 'VIRTWORK_SSH_PASSWORD: must be a non-empty single line (value not shown)',
  },
  'a variable is not a number': { env: { VIRTWORK_CPU_CORES: 'x' }, message: 'VIRTWORK_CPU_CORES: must be an integer from 1 to 512, got "x"' },
  'a variable and its alias are both set': {
    env: { VIRTWORK_IMAGE: 'a', VIRTWORK_CONTAINER_DISK_IMAGE: 'b' },
    message: 'VIRTWORK_IMAGE and VIRTWORK_CONTAINER_DISK_IMAGE are the same setting (image); set one',
  },
  'VIRTWORK_WORKLOADS names an unknown workload': { env: { VIRTWORK_WORKLOADS: 'cpu,cppu' }, message: /^VIRTWORK_WORKLOADS: unknown workload "cppu" \(did you mean "cpu"\?\); available: / },
  'VIRTWORK_PARAMS names an unknown param': {
    env: { VIRTWORK_PARAMS: 'cpu.nope=1' },
    message: 'VIRTWORK_PARAMS: cpu.nope: unknown param; known params: cpu-load-percent, cpu-method',
  },
  'VIRTWORK_CONFIG names a missing file': { env: { VIRTWORK_CONFIG: 'missing.yaml' }, message: 'VIRTWORK_CONFIG: configuration file "missing.yaml" does not exist' },
  'a VIRTWORK_SSH_AUTHORIZED_KEYS line is not a key': {
    env: { VIRTWORK_SSH_AUTHORIZED_KEYS: `${PUBLIC_KEY}\nnot a key` },
    message: 'VIRTWORK_SSH_AUTHORIZED_KEYS (item 2): must be one public SSH key line like "ssh-ed25519 AAAA… user@host", got "not a key"',
  },
  '--vm-count is 0': {usage: true,  args: ['--vm-count', '0'], message: '--vm-count: must be an integer from 1 to 1000, got "0"' },
  '--workloads names a workload twice': {usage: true,  args: ['--workloads', 'cpu,cpu'], message: '--workloads: workload "cpu" is selected twice' },
  '--workloads is empty': {usage: true,  args: ['--workloads', ','], message: /^--workloads: no workload selected; available: / },
  '--workloads names a reserved file name': {usage: true,  args: ['--workloads', 'namespace'], message: /^--workloads: unknown workload "namespace"/ },
  '--params lacks a workload prefix': {usage: true,  args: ['--params', 'foo=1'], message: '--params: missing workload prefix in "foo=1" (expected workload.key=value)' },
  '--params targets a workload that is not selected': {usage: true, 
    args: ['-w', 'cpu', '--params', 'memory.vm-stressors=2'],
    message: '--params: memory: workload "memory" is not selected (selected: cpu)',
  },
  '--params tries a command substitution': {usage: true, 
    args: ['-w', 'cpu', '--params', 'cpu.cpu-method=$(reboot)'],
    message: '--params: cpu.cpu-method: must be a stress-ng CPU method name (lowercase letters, digits, "-", "_"), e.g. all, matrixprod, fft, got "$(reboot)"',
  },
  '--params smuggles a newline and a systemd specifier': {usage: true, 
    args: ['-w', 'cpu', '--params', 'cpu.cpu-method=all\nExecStartPre=/bin/sh -c %h'],
    message: /^--params: cpu\.cpu-method: must be a stress-ng CPU method name .*, got "all\\nExecStartPre=\/bin\/sh -c %h"$/,
  },
  '--config names a missing file': { args: ['--config', 'nope.yaml'], message: '--config: configuration file "nope.yaml" does not exist' },
  '--namespace tries a shell command': {usage: true, 
    args: ['--namespace', "a'; rm -rf /"],
    message: /^--namespace: must be a DNS-1123 label .*, got "a'; rm -rf \/"$/,
  },
  'a password and a password hash are both given': {
    args: ['--ssh-password', 'hunter2'], env: { VIRTWORK_SSH_PASSWORD_HASH: '$6$saltsalt$' + 'x'.repeat(86) }, secret: 'hunter2',
    message: '--ssh-password and VIRTWORK_SSH_PASSWORD_HASH: give either a password or a password hash, not both',
  },
  '--ssh-key is a command substitution': {usage: true, 
    args: ['--ssh-key', '$(reboot)'],
    message: '--ssh-key: must be one public SSH key line like "ssh-ed25519 AAAA… user@host", got "$(reboot)"',
  },
  '--memory uses a unit Kubernetes does not know': {usage: true,  args: ['--memory', '2GB'], message: `--memory: ${QUANTITY}, got "2GB"` },
  '--run-id holds a newline': {usage: true,  args: ['--run-id', 'a\nb'], message: /^--run-id: must be a label value .*, got "a\\nb"$/ },
};

/** Exit 2 (usage) when every problem is a flag's value; 1 for the file, a variable, or a file that cannot be read. */
const exitOf = (c: BadCase) => (c.usage ? 2 : 1);

describe('virtwork synth with a bad configuration', () => {
  it('covers at least 30 cases', () => {
    expect(Object.keys(BAD).length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(BAD))('fails when %s: one line naming the source, exit 1 (2 for a flag value), dist/ untouched', async (_name, c) => {
    // GIVEN a previous dist/ and the bad input
    writeFiles(dir, { 'dist/previous.yaml': 'kind: Previous\n', ...c.files });
    const before = readTree(join(dir, 'dist'));

    // WHEN synth runs
    const r = await virtwork(['synth', ...(c.args ?? [])], dir, { ...c.env });

    // THEN it exits 1 (2 when the command line is wrong) with exactly one line on stderr, naming the source, the key and the value
    expect(r.code).toBe(exitOf(c));
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    const message = r.err.trimEnd().replace(/^virtwork: /, '');
    if (typeof c.message === 'string') expect(message).toBe(c.message);
    else expect(message).toMatch(c.message);
    if (c.secret) expect(r.err).not.toContain(c.secret);
    // AND dist/ is exactly as it was, with no staging directory left behind
    expect(readTree(join(dir, 'dist'))).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith('.dist'))).toEqual([]);
  });

  it('fails with every problem listed, one per line, when there are several', async () => {
    // GIVEN problems in the file, a variable and a flag at once
    writeFiles(dir, yaml('cpu-cores: 0\nmemory: x'));
    const r = await virtwork(['synth', '--vm-count', '0'], dir, { VIRTWORK_RUN_ID: '-' });

    // THEN all of them are reported, every line prefixed, exit 1 (not only the command line is wrong)
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toEqual([
      'virtwork: --vm-count: must be an integer from 1 to 1000, got "0"',
      expect.stringMatching(/^virtwork: VIRTWORK_RUN_ID: must be a label value/),
      'virtwork: virtwork.yaml: cpu-cores: must be an integer from 1 to 512, got 0',
      `virtwork: virtwork.yaml: memory: ${QUANTITY}, got "x"`,
    ]);
  });

  it.each([
    [['synth', '--bogus'], /unknown option '--bogus'/],
    [['synth', 'extra'], /too many arguments/],
    [['synht'], /unknown command 'synht'[\s\S]*Did you mean synth\?/],
  ])('fails with a usage error (exit 2) on %j', async (args, message) => {
    const r = await virtwork(args, dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(readTree(join(dir, 'dist'))).toEqual({});
  });
});

describe('virtwork synth determinism', () => {
  it('writes byte-identical dist/ across time zones and locales (real processes)', () => {
    // GIVEN two runs of the real bin in very different TZ / LANG settings
    const run = (out: string, env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/virtwork.ts'), 'synth', '-d', out], {
      cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    const a = run(join(dir, 'a'), { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const b = run(join(dir, 'b'), { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });

    // THEN both succeed and every byte is the same
    expect([a.status, a.stderr, b.status, b.stderr]).toEqual([0, '', 0, '']);
    const ta = readTree(join(dir, 'a'));
    expect(Object.keys(ta).length).toBeGreaterThan(2);
    expect(readTree(join(dir, 'b'))).toEqual(ta);
  });
});
