import { loadConfig } from '../../lib/config/synth-input';
import { synthesize } from '../../lib/render/synth';
import { parseManifests } from '../support/validators';
import { scratch, writeFiles } from '../cli/_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const load = (yaml: string, flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
  writeFiles(dir, { 'virtwork.yaml': yaml });
  return loadConfig({ flags, env, cwd: dir });
};
const problemOf = (yaml: string, flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
  try {
    synthesize(load(yaml, flags, env).input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};
const vmSpec = (yaml: string, workload = 'cpu', flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
  const files = synthesize(load(yaml, { workloads: [workload], ...flags }, env).input);
  return parseManifests(files.get(`${workload}.yaml`)!).find((o) => o.kind === 'VirtualMachine')!;
};

describe('VM settings of virtwork.yaml', () => {
  it('turns every VM setting of the file into the VM (structural)', () => {
    // GIVEN a file that sets every VM option at the top level
    const vm = vmSpec([
      'size: medium',
      'preference: fedora',
      'root-disk-datasource: kubevirt-os-images/fedora',
      'root-disk-size: 30Gi',
      'root-disk-access-modes: [ReadWriteMany]',
      'node-selector: { disktype: ssd }',
      'tolerations:',
      '  - { key: virtwork/load, operator: Exists, effect: NoSchedule }',
      'spread: required',
      'run-strategy: RerunOnFailure',
      'architecture: arm64',
      'migrate: all',
    ].join('\n'));

    // THEN the VM carries them
    expect(vm.spec.runStrategy).toBe('RerunOnFailure');
    expect(vm.spec.preference).toEqual({ kind: 'VirtualMachineClusterPreference', name: 'fedora' });
    expect(vm.spec.dataVolumeTemplates[0].spec).toEqual({
      sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'kubevirt-os-images' },
      storage: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '30Gi' } } },
    });
    const t = vm.spec.template.spec;
    expect(t.domain.cpu).toEqual({ cores: 4 });
    expect(t.domain.resources.requests.memory).toBe('8Gi');
    expect(t).toMatchObject({ architecture: 'arm64', nodeSelector: { disktype: 'ssd' }, evictionStrategy: 'LiveMigrate' });
    expect(t.tolerations).toEqual([{ key: 'virtwork/load', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(t.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(t.volumes[0]).toEqual({ name: 'rootdisk', dataVolume: { name: 'virtwork-root-virtwork-cpu-0' } });
  });

  it('lets a workload entry size its VMs differently from the top level (the whole sizing is replaced)', () => {
    const yaml = 'cpu-cores: 6\nmemory: 6Gi\nworkloads:\n  cpu:\n    instancetype: u1.large\n  memory:\n    size: small\n';
    const cpu = vmSpec(yaml, 'cpu');
    expect(cpu.spec.instancetype).toEqual({ kind: 'VirtualMachineClusterInstancetype', name: 'u1.large' });
    expect(cpu.spec.template.spec.domain.cpu).toBeUndefined();
    expect(vmSpec(yaml, 'memory').spec.template.spec.domain).toMatchObject({ cpu: { cores: 2 }, resources: { requests: { memory: '4Gi' } } });
  });

  it('lets a workload entry boot from a DataSource while the others keep the top-level image', () => {
    const yaml = 'image: quay.io/containerdisks/centos-stream:9\nworkloads:\n  cpu:\n    root-disk-datasource: fedora\n';
    expect(vmSpec(yaml, 'cpu').spec.template.spec.volumes[0]).toEqual({ name: 'rootdisk', dataVolume: { name: 'virtwork-root-virtwork-cpu-0' } });
    expect(vmSpec(yaml, 'memory').spec.template.spec.volumes[0]).toEqual({ name: 'containerdisk', containerDisk: { image: 'quay.io/containerdisks/centos-stream:9' } });
  });

  it('lets a flag win over the file, for sizing as a whole', () => {
    const vm = vmSpec('size: large\n', 'cpu', { cpuCores: '3' });
    expect(vm.spec.template.spec.domain).toMatchObject({ cpu: { cores: 3 }, resources: { requests: { memory: '2Gi' } } });
  });

  it('reads the text forms of the environment: tolerations in taint syntax, node selector and migrate lists', () => {
    const files = synthesize(load('', { workloads: ['cpu'], vmCount: '3' }, {
      VIRTWORK_TOLERATIONS: 'dedicated=load:NoSchedule,gpu', VIRTWORK_NODE_SELECTOR: 'zone=a,disk=ssd', VIRTWORK_MIGRATE: '0,2',
      VIRTWORK_DATA_DISK_VOLUME_MODE: 'Block',
    }).input);
    const objs = parseManifests(files.get('cpu.yaml')!);
    const t = objs.find((o) => o.kind === 'VirtualMachine')!.spec.template.spec;
    expect(t.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'load', effect: 'NoSchedule' }, { key: 'gpu', operator: 'Exists' }]);
    expect(t.nodeSelector).toEqual({ zone: 'a', disk: 'ssd' });
    expect(objs.filter((o) => o.kind === 'VirtualMachineInstanceMigration').map((o) => o.spec.vmiName)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-2']);
  });

  it('turns the probe off per workload and puts storage settings on the data disks', () => {
    const yaml = 'data-disk-storage-class: lvms\ndata-disk-access-modes: [ReadWriteOnce]\nworkloads:\n  disk:\n    readiness-probe: false\n';
    const vm = vmSpec(yaml, 'disk');
    expect(vm.spec.template.spec.readinessProbe).toBeUndefined();
    expect(vm.spec.dataVolumeTemplates[0].spec.storage).toMatchObject({ storageClassName: 'lvms', accessModes: ['ReadWriteOnce'] });
    expect(vm.spec.template.spec.evictionStrategy).toBe('LiveMigrateIfPossible');
  });

  it('emits ExternalSecrets instead of Secrets with user-data-secret external-secret', () => {
    const files = synthesize(load('user-data-secret: external-secret\nsecret-store: vault\nsecret-store-kind: SecretStore\n', { workloads: ['cpu'] }).input);
    const kinds = parseManifests(files.get('cpu.yaml')!).map((o) => o.kind);
    expect(kinds).toEqual(['ExternalSecret', 'VirtualMachine']);
  });

  it('annotates every object with the virtwork version and the params hash', () => {
    const files = synthesize(load('', { workloads: ['cpu'] }).input);
    for (const obj of [...files].filter(([f]) => f !== 'kustomization.yaml').flatMap(([, text]) => parseManifests(text))) {
      expect(obj.metadata.annotations['virtwork/version']).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(parseManifests(files.get('cpu.yaml')!)[0].metadata.annotations['virtwork/params-hash']).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it.each([
    ['size: medium\ncpu-cores: 4\n', 'virtwork.yaml: cpu-cores/memory and size are mutually exclusive; give one'],
    ['image: quay.io/x/y:1\nroot-disk-datasource: fedora\n', 'virtwork.yaml: image and root-disk-datasource are mutually exclusive; give one'],
    ['workloads:\n  cpu:\n    size: large\n    instancetype: u1.large\n', 'virtwork.yaml: workloads.cpu: size and instancetype are mutually exclusive; give one'],
    ['tolerations: "a=b:Sometimes"\n', 'virtwork.yaml: tolerations: "a=b:Sometimes" is not key[=value][:effect]'],
    ['tolerations: [{ key: a, effekt: NoSchedule }]\n', 'virtwork.yaml: tolerations: unknown toleration field "effekt"; known fields: key, operator, value, effect, tolerationSeconds'],
    ['tolerations: [{ key: a, operator: Exists, effect: NoExecute, tolerationSeconds: "5" }]\n', 'virtwork.yaml: tolerations: toleration field tolerationSeconds must be a number, got "5"'],
    ['node-selector: { "bad key": x }\n', 'virtwork.yaml: node-selector: label key must be a label key'],
    ['root-disk-datasource: Fedora\n', 'virtwork.yaml: root-disk-datasource: must be a DataSource as name or namespace/name'],
    ['migrate: some\n', 'virtwork.yaml: migrate: must be "all" or a list of VM indices like 0,2, got "some"'],
    ['spread: always\n', 'virtwork.yaml: spread: must be one of none, preferred, required, got "always"'],
    ['user-data-secret: external-secret\n', 'cpu: userDataSecret.secretStore is required with mode "external-secret"'],
  ])('fails when the file says %j', (yaml, message) => {
    expect(problemOf(yaml, { workloads: ['cpu'] })).toContain(message);
  });
});
