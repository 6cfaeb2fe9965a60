import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { GO_MOVED } from '../../lib/config/go-compat';
import { K8sObject, parseManifests, validateObjects } from '../support/validators';
import { PUBLIC_KEY, PUBLIC_KEY_2, readTree, scratch, virtwork, writeFiles } from './_run';

const GO_EXAMPLE = resolve(__dirname, '..', 'config', 'fixtures', 'go-config.yaml.example');
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const objectsOf = (tree: Record<string, string>): K8sObject[] =>
  Object.entries(tree).filter(([f]) => f !== 'kustomization.yaml').flatMap(([, text]) => parseManifests(text));
const vm = (objs: K8sObject[], name: string) => objs.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === name)!;
const userData = (objs: K8sObject[], name: string) =>
  parseCloudConfig(objs.find((o) => o.kind === 'Secret' && o.metadata.name === `${name}-cloudinit`)!.stringData.userdata) as any;

describe('coming from the Go virtwork', () => {
  it('synthesizes its config.yaml.example with every key uncommented, one note per key that moved', async () => {
    // GIVEN the Go tool's example configuration, every key uncommented (underscore keys, as it writes them)
    copyFileSync(GO_EXAMPLE, join(dir, 'config.yaml'));

    // WHEN it is synthesized
    const r = await virtwork(['synth', '--config', 'config.yaml'], dir);

    // THEN it succeeds, with one note per key whose meaning moved, naming the key and its new home
    expect(r.code).toBe(0);
    const notes = r.err.trimEnd().split('\n');
    expect(notes.map((n) => /^virtwork: note: config\.yaml: ([a-z_]+): /.exec(n)?.[1])).toEqual([
      'kubeconfig', 'dry_run', 'verbose', 'wait_for_ready', 'timeout', 'ssh_password', 'audit', 'audit_db',
    ]);
    expect(notes.find((n) => n.includes('dry_run'))).toContain('virtwork-apply apply --dry-run=server');
    expect(notes.find((n) => n.includes('wait_for_ready'))).toContain('virtwork-apply apply --wait');
    expect(notes.find((n) => n.includes('audit_db'))).toContain('VIRTWORK_AUDIT_DB');
    // AND the keys that mean the same here took effect: the image, the selection, per-workload sizes and params
    const objs = objectsOf(readTree(join(dir, 'dist')));
    const names = readdirSync(join(dir, 'dist')).sort();
    expect(names).toEqual(['chaos-disk', 'chaos-network', 'chaos-process', 'cpu', 'database', 'disk', 'kustomization', 'memory', 'namespace', 'network', 'tps']
      .map((n) => `${n}.yaml`));
    const db = vm(objs, 'virtwork-database-0').spec.template.spec;
    expect(db.domain.resources.requests.memory).toBe('4Gi');
    expect(db.volumes.find((v: { containerDisk?: unknown }) => v.containerDisk).containerDisk.image).toBe('quay.io/containerdisks/fedora:41');
    expect(vm(objs, 'virtwork-chaos-network-0').spec.template.spec.domain.cpu.cores).toBe(1);
    // AND what was written passes the CRD schemas
    expect(validateObjects(objs)).toEqual([]);
  });

  it('reads a Go variable that moved with a note, and the aliases VIRTWORK_CONTAINER_DISK_IMAGE and VIRTWORK_FROM_CATALOG', async () => {
    // WHEN the Go variables are set (VIRTWORK_FROM_CATALOG split on spaces, as viper did, or on commas)
    const r = await virtwork(['synth'], dir, {
      VIRTWORK_DRY_RUN: 'true', VIRTWORK_CONTAINER_DISK_IMAGE: 'quay.io/containerdisks/fedora:41', VIRTWORK_FROM_CATALOG: 'sysbench redis-bench',
    });

    // THEN the selection is the catalog entries only (the Go semantics without --workloads), with the image
    expect(r.code).toBe(0);
    expect(r.err).toBe('virtwork: note: VIRTWORK_DRY_RUN: a Go virtwork setting, ignored; here: `virtwork synth` never touches a cluster ' +
      '(the manifests are the dry run); preview an apply with `virtwork-apply apply --dry-run=server`, a cleanup with `virtwork-apply cleanup --dry-run`\n');
    expect(Object.keys(readTree(join(dir, 'dist')))).toEqual(['kustomization.yaml', 'namespace.yaml', 'redis-bench.yaml', 'sysbench.yaml']);
  });

  it('takes --container-disk-image and --from-catalog (after --workloads), hidden from --help', async () => {
    const r = await virtwork(['synth', '-w', 'cpu', '--from-catalog', 'sysbench', '--container-disk-image', 'quay.io/containerdisks/fedora:41'], dir);
    expect(r).toEqual(expect.objectContaining({ code: 0, err: '' }));
    const objs = objectsOf(readTree(join(dir, 'dist')));
    expect(objs.filter((o) => o.kind === 'VirtualMachine').map((o) => o.metadata.name)).toEqual(['virtwork-cpu-0', 'virtwork-sysbench-0']);
    expect(vm(objs, 'virtwork-cpu-0').spec.template.spec.volumes[0].containerDisk.image).toBe('quay.io/containerdisks/fedora:41');
    const help = (await virtwork(['synth', '--help'], dir)).out;
    expect(help).toContain('--from-catalog <names>');
    expect(help).not.toContain('--container-disk-image');
  });

  it('reads from-catalog in the file as enabled entries, with a note', async () => {
    writeFiles(dir, { 'virtwork.yaml': 'from_catalog: [sysbench]\n' });
    const r = await virtwork(['synth'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^virtwork: note: virtwork\.yaml: from-catalog: a Go virtwork key, read as workloads\.<name>\.enabled: true for sysbench /);
    expect(Object.keys(readTree(join(dir, 'dist')))).toEqual(['cpu.yaml', 'kustomization.yaml', 'memory.yaml', 'namespace.yaml', 'sysbench.yaml']);
  });

  it.each([
    [['--dry-run'], '--dry-run: a Go virtwork flag; here: `virtwork synth` never touches a cluster'],
    [['--no-wait'], '--no-wait: a Go virtwork flag; here: waiting is asked for, not default: `virtwork-apply apply --wait`'],
    [['--timeout', '600'], '--timeout: a Go virtwork flag; here: `virtwork-apply wait --timeout <duration>`'],
    [['--no-audit'], '--audit / --no-audit: a Go virtwork flag; here: only `virtwork-apply` records runs'],
    [['--kubeconfig', 'x'], '--kubeconfig: a Go virtwork flag; here: `virtwork-apply --kubeconfig <file>`'],
    [['-y'], '--yes / -y: a Go virtwork flag; here: `virtwork-apply cleanup --yes`'],
  ])('fails when given the Go flag %j: a usage error with where it went, nothing written', async (args, message) => {
    const r = await virtwork(['synth', ...args], dir);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(`virtwork: ${message}`)).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(readTree(dir)).toEqual({});
  });

  it('fails when an option is given under its name and its Go alias', async () => {
    const r = await virtwork(['synth', '--image', 'a', '--container-disk-image', 'b'], dir);
    expect(r).toEqual({ code: 2, out: '', err: 'virtwork: --image and --container-disk-image are the same setting (image); give one\n' });
  });

  it('keeps two keys given the Go way (comma-separated) as two authorized_keys lines, comments with commas whole', async () => {
    // GIVEN two keys in one variable, comma-separated, the first one's comment holding commas
    const first = `${PUBLIC_KEY.split(' ').slice(0, 2).join(' ')} Alice, ops team, laptop`;

    // WHEN synthesized, from the variable and from one --ssh-key
    for (const [args, env] of [[[], { VIRTWORK_SSH_AUTHORIZED_KEYS: `${first},${PUBLIC_KEY_2}` }], [['--ssh-key', `${first}, ${PUBLIC_KEY_2}`], {}]] as const) {
      const r = await virtwork(['synth', '-w', 'cpu', ...args], dir, env);

      // THEN the guest user has exactly the two keys, each whole
      expect(r.code).toBe(0);
      const ud = userData(objectsOf(readTree(join(dir, 'dist'))), 'virtwork-cpu-0');
      expect(ud.users[0].ssh_authorized_keys).toEqual([first, PUBLIC_KEY_2]);
    }
  });

  it('names every moved Go option with a home here, in a "moved" row of docs/migrating-from-go.md', () => {
    const rows = readFileSync(resolve(__dirname, '..', '..', 'docs', 'migrating-from-go.md'), 'utf8').split('\n').filter((l) => l.startsWith('| '));
    for (const o of GO_MOVED) {
      expect(o.here).toMatch(/virtwork|no setting/);
      const names = [o.key, o.env, ...(o.flags ?? [])].filter((n): n is string => n !== undefined);
      const row = rows.find((r) => r.includes(`\`${names[0]}\``));
      expect(row).toMatch(/\| moved \|$/);
      for (const n of names) expect(row).toContain(`\`${n}\``);
    }
  });

  it('lists every Go key, variable and flag (virtwork-go.md §1.2, §1.3) in docs/migrating-from-go.md', () => {
    const doc = readFileSync(resolve(__dirname, '..', '..', 'docs', 'migrating-from-go.md'), 'utf8');
    const go = [
      'namespace', 'kubeconfig', 'container-disk-image', 'disk-size', 'cpu-cores', 'memory', 'wait-for-ready', 'timeout', 'dry-run',
      'verbose', 'ssh-user', 'ssh-password', 'ssh-authorized-keys', 'audit', 'audit-db', 'vm-concurrency', 'catalog-dir', 'from-catalog',
      'cleanup-mode', 'workloads.<name>.enabled', 'workloads.<name>.vm-count', 'workloads.<name>.cpu-cores', 'workloads.<name>.memory',
      'workloads.<name>.params.<key>',
      'VIRTWORK_NAMESPACE', 'VIRTWORK_KUBECONFIG', 'VIRTWORK_CONTAINER_DISK_IMAGE', 'VIRTWORK_DISK_SIZE', 'VIRTWORK_CPU_CORES', 'VIRTWORK_MEMORY',
      'VIRTWORK_WAIT_FOR_READY', 'VIRTWORK_TIMEOUT', 'VIRTWORK_DRY_RUN', 'VIRTWORK_VERBOSE', 'VIRTWORK_SSH_USER', 'VIRTWORK_SSH_PASSWORD',
      'VIRTWORK_SSH_AUTHORIZED_KEYS', 'VIRTWORK_AUDIT', 'VIRTWORK_AUDIT_DB', 'VIRTWORK_VM_CONCURRENCY', 'VIRTWORK_CATALOG_DIR',
      'VIRTWORK_FROM_CATALOG', 'VIRTWORK_CLEANUP_MODE', 'VIRTWORK_PARAMS', 'VIRTWORK_COMMAND', 'VIRTWORK_ARGS',
      '--namespace', '--kubeconfig', '--config', '--verbose', '--audit', '--no-audit', '--audit-db', '--workloads', '--vm-count', '--cpu-cores',
      '--memory', '--disk-size', '--container-disk-image', '--dry-run', '--no-wait', '--timeout', '--ssh-user', '--ssh-password', '--ssh-key',
      '--ssh-key-file', '--vm-concurrency', '--params', '--catalog-dir', '--from-catalog', '--delete-namespace', '--run-id', '--yes', '-y',
    ];
    const table = doc.slice(doc.indexOf('## Every Go key'));
    for (const name of go) expect(table).toMatch(new RegExp(`^\\| (?:[^|]*\\| ){0,2}[^|]*\`${name.replace(/[.*<>]/g, '\\$&')}\``, 'm'));
  });
});

describe('unknown VIRTWORK_* variables', () => {
  it('fails on a mistyped variable with "did you mean", one line, exit 1, nothing written', async () => {
    const r = await virtwork(['synth'], dir, { VIRTWORK_VMCOUNT: '3' });
    expect(r).toEqual({
      code: 1, out: '',
      err: 'virtwork: VIRTWORK_VMCOUNT: unknown variable (did you mean "VIRTWORK_VM_COUNT"?); virtwork reads the VIRTWORK_* variables of docs/configuration.md (unset it, or fix the name)\n',
    });
    expect(readTree(dir)).toEqual({});
  });

  it('accepts the variables other tools read on purpose', async () => {
    const r = await virtwork(['synth'], dir, { VIRTWORK_AUDIT_DB: '/tmp/a.sqlite', VIRTWORK_CRD_DIR: '/x', VIRTWORK_TEST_KUBECONFIG: '/k' });
    expect(r).toEqual(expect.objectContaining({ code: 0, err: '' }));
  });

  it('ignores variables that only start like ours', async () => {
    const r = await virtwork(['synth'], dir, { VIRTWORKS: 'x', virtwork_vm_count: 'x' });
    expect(r).toEqual(expect.objectContaining({ code: 0, err: '' }));
  });
});
