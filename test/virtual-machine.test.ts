import { Chart, Testing } from 'cdk8s';
import { VirtualMachine, VirtualMachineProps } from '../lib/vm/virtual-machine';
import { K8sObject, schemaProblems, validateObjects } from './support/validators';

const USER_DATA = '#cloud-config\npackages:\n  - stress-ng\n';

/** Synthesizes one VM (plus anything `more` adds) in a test chart. */
function synth(props: Partial<VirtualMachineProps> = {}, more?: (chart: Chart, vm: VirtualMachine) => void): K8sObject[] {
  const chart = Testing.chart();
  const vm = new VirtualMachine(chart, 'vm', { name: 'virtwork-cpu-0', workload: 'cpu', userData: USER_DATA, ...props });
  more?.(chart, vm);
  return Testing.synth(chart) as K8sObject[];
}
const vmOf = (objs: K8sObject[]) => objs.find((o) => o.kind === 'VirtualMachine')!;
const tspec = (objs: K8sObject[]) => vmOf(objs).spec.template.spec;
const build = (props: Partial<VirtualMachineProps>) => () => synth(props);

describe('VirtualMachine', () => {
  it('synthesizes a Secret and a pinned, containerDisk VM by default (snapshot)', () => {
    // WHEN a VM is built with nothing but its identity and user-data
    const objs = synth();

    // THEN the objects match the snapshot and pass the real CRD schemas
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Secret/virtwork-cpu-0-cloudinit', 'VirtualMachine/virtwork-cpu-0']);
    expect(validateObjects(objs)).toEqual([]);
    // AND the VM runs always, on the pinned architecture and firmware, migrating on drains (no PVC)
    const vm = vmOf(objs);
    expect(vm.spec.runStrategy).toBe('Always');
    expect(vm.spec.dataVolumeTemplates).toBeUndefined();
    expect(tspec(objs)).toMatchObject({
      architecture: 'amd64',
      evictionStrategy: 'LiveMigrate',
      domain: { cpu: { cores: 2 }, resources: { requests: { memory: '2Gi' } }, firmware: { uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
      volumes: [{ name: 'containerdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:42' } }, { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: 'virtwork-cpu-0-cloudinit' } } }],
    });
    // AND nothing is set that the props did not ask for
    for (const key of ['readinessProbe', 'nodeSelector', 'tolerations', 'affinity']) expect(tspec(objs)[key]).toBeUndefined();
  });

  describe('firmware and architecture (no drift)', () => {
    const uuidOf = (props: Partial<VirtualMachineProps>) => tspec(synth(props)).domain.firmware;

    it('gives the same UUID and serial on every synth of the same VM', () => {
      expect(uuidOf({})).toEqual(uuidOf({}));
      expect(uuidOf({}).serial).toBe(uuidOf({}).uuid);
    });

    it('gives a different UUID to a different VM or namespace', () => {
      const uuids = [uuidOf({}), uuidOf({ name: 'virtwork-cpu-1' }), uuidOf({ namespace: 'other' })].map((f) => f.uuid);
      expect(new Set(uuids).size).toBe(3);
    });

    it('pins the configured architecture', () => {
      expect(tspec(synth({ architecture: 'arm64' })).architecture).toBe('arm64');
    });
  });

  describe('root disk', () => {
    it('clones a DataSource into a DataVolume of its own with the CDI storage API', () => {
      // WHEN the root disk comes from the fedora DataSource on a chosen storage class
      const objs = synth({ rootDisk: { dataSource: { name: 'fedora' }, size: '30Gi', storageClass: 'ocs-rbd', accessModes: ['ReadWriteMany'], volumeMode: 'Block' } });

      // THEN a labelled DataVolume template clones it, and the VM boots from it
      expect(vmOf(objs).spec.dataVolumeTemplates).toEqual([{
        metadata: { name: 'virtwork-root-virtwork-cpu-0', labels: vmOf(objs).metadata.labels },
        spec: {
          sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'openshift-virtualization-os-images' },
          storage: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '30Gi' } }, storageClassName: 'ocs-rbd', volumeMode: 'Block' },
        },
      }]);
      expect(tspec(objs).domain.devices.disks[0]).toEqual({ name: 'rootdisk', disk: { bus: 'virtio' } });
      expect(tspec(objs).volumes[0]).toEqual({ name: 'rootdisk', dataVolume: { name: 'virtwork-root-virtwork-cpu-0' } });
      expect(tspec(objs).evictionStrategy).toBe('LiveMigrate');
      expect(validateObjects(objs)).toEqual([]);
    });

    it('leaves size and storage to CDI and the StorageProfile when not given', () => {
      const dv = vmOf(synth({ rootDisk: { dataSource: { name: 'rhel9', namespace: 'kubevirt-os-images' } } })).spec.dataVolumeTemplates[0];
      expect(dv.spec).toEqual({ sourceRef: { kind: 'DataSource', name: 'rhel9', namespace: 'kubevirt-os-images' }, storage: {} });
    });

    it('fails when both a containerDisk image and a DataSource root disk are given', () => {
      expect(build({ image: 'quay.io/x/y:1', rootDisk: { dataSource: { name: 'fedora' } } })).toThrow(
        'virtwork-cpu-0: image and rootDisk are mutually exclusive (a containerDisk image or a root disk cloned from a DataSource)',
      );
    });
  });

  describe('data disks', () => {
    const disk = { name: 'datadisk', dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: '20Gi' };

    it('puts storage class, access modes and volume mode on every data disk', () => {
      const objs = synth({ dataDisks: [disk], dataDisk: { storageClass: 'lvms-vg1', accessModes: ['ReadWriteOnce'], volumeMode: 'Block' } });
      expect(vmOf(objs).spec.dataVolumeTemplates[0].spec).toEqual({
        source: { blank: {} },
        storage: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'lvms-vg1', volumeMode: 'Block' },
      });
      expect(tspec(objs).domain.devices.disks[2]).toEqual({ name: 'datadisk', serial: 'virtwork-disk', disk: { bus: 'virtio' } });
      expect(validateObjects(objs)).toEqual([]);
    });

    it.each([
      [{}, 'LiveMigrateIfPossible'],
      [{ accessModes: ['ReadWriteOnce'] }, 'LiveMigrateIfPossible'],
      [{ accessModes: ['ReadWriteMany'] }, 'LiveMigrate'],
    ])('chooses the eviction strategy from the storage: %j gives %s', (storage, expected) => {
      expect(tspec(synth({ dataDisks: [disk], dataDisk: storage as any })).evictionStrategy).toBe(expected);
    });

    it('fails when LiveMigrate is asked for on storage known not to be shared', () => {
      expect(build({ dataDisks: [disk], dataDisk: { accessModes: ['ReadWriteOnce'] }, evictionStrategy: 'LiveMigrate' })).toThrow(
        'virtwork-cpu-0: evictionStrategy "LiveMigrate" needs ReadWriteMany storage, but data disk "datadisk" is ReadWriteOnce',
      );
    });

    it('fails when a data disk takes a name virtwork uses', () => {
      expect(build({ dataDisks: [{ ...disk, name: 'rootdisk' }] })).toThrow('virtwork-cpu-0: data disk "rootdisk": name is reserved');
    });
  });

  describe('sizing', () => {
    it.each([
      ['small', 2, '4Gi'],
      ['medium', 4, '8Gi'],
      ['large', 8, '16Gi'],
    ] as const)('sizes a %s VM with %d cores and %s', (size, cores, memory) => {
      expect(tspec(synth({ size })).domain).toMatchObject({ cpu: { cores }, resources: { requests: { memory } } });
    });

    it('references an instancetype and a preference instead of resources', () => {
      // WHEN the VM uses the cluster instancetype u1.medium and a namespaced preference
      const objs = synth({ instancetype: { name: 'u1.medium' }, preference: { name: 'fedora', kind: 'VirtualMachinePreference' } });

      // THEN the VM names both kinds explicitly (nothing left for KubeVirt to default) and sets no resources
      expect(vmOf(objs).spec.instancetype).toEqual({ kind: 'VirtualMachineClusterInstancetype', name: 'u1.medium' });
      expect(vmOf(objs).spec.preference).toEqual({ kind: 'VirtualMachinePreference', name: 'fedora' });
      expect(tspec(objs).domain.cpu).toBeUndefined();
      expect(tspec(objs).domain.resources).toBeUndefined();
      expect(validateObjects(objs)).toEqual([]);
    });

    it.each([
      [{ size: 'medium', cpuCores: 4 }, 'virtwork-cpu-0: size "medium" and cpuCores are mutually exclusive (the preset sets both CPU cores and memory; give one or the other)'],
      [{ instancetype: { name: 'u1.small' }, memory: '4Gi' }, 'virtwork-cpu-0: instancetype "u1.small" and memory are mutually exclusive (the instancetype sets CPU and memory; give one or the other)'],
      [{ instancetype: { name: 'u1.small' }, size: 'large' }, 'virtwork-cpu-0: instancetype "u1.small" and size are mutually exclusive'],
      [{ size: 'huge' }, 'virtwork-cpu-0: size must be one of small, medium, large, got "huge"'],
      [{ instancetype: { name: 'u1.small', kind: 'VirtualMachineInstanceType' } }, 'virtwork-cpu-0: instancetype.kind must be one of VirtualMachineClusterInstancetype, VirtualMachineInstancetype, got "VirtualMachineInstanceType"'],
    ])('fails when sizing is %j', (props, message) => {
      expect(build(props as any)).toThrow(message);
    });
  });

  describe('placement and power', () => {
    it('sets nodeSelector, tolerations and required spread over nodes for the workload of this run', () => {
      const objs = synth({
        nodeSelector: { 'node-role.kubernetes.io/worker': '' },
        tolerations: [{ key: 'virtwork/load', operator: 'Exists', effect: 'NoSchedule' }],
        spread: 'required',
        runId: 'r7',
      });
      expect(tspec(objs).nodeSelector).toEqual({ 'node-role.kubernetes.io/worker': '' });
      expect(tspec(objs).tolerations).toEqual([{ key: 'virtwork/load', operator: 'Exists', effect: 'NoSchedule' }]);
      expect(tspec(objs).affinity).toEqual({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{
            labelSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/component': 'cpu', 'virtwork/run-id': 'r7' } },
            topologyKey: 'kubernetes.io/hostname',
          }],
        },
      });
      expect(validateObjects(objs)).toEqual([]);
    });

    it('prefers (not requires) spreading with spread "preferred"', () => {
      const anti = tspec(synth({ spread: 'preferred' })).affinity.podAntiAffinity;
      expect(anti.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(anti.preferredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } });
    });

    it.each(['Always', 'Halted', 'Manual', 'RerunOnFailure'] as const)('sets runStrategy %s', (runStrategy) => {
      expect(vmOf(synth({ runStrategy })).spec.runStrategy).toBe(runStrategy);
    });

    it.each([
      [{ runStrategy: 'Once' }, 'virtwork-cpu-0: runStrategy must be one of Always, Halted, Manual, RerunOnFailure, got "Once"'],
      [{ nodeSelector: { disk: '$(reboot)' } }, 'virtwork-cpu-0: nodeSelector["disk"] must be a valid label value'],
      [{ nodeSelector: { "'; rm -rf /": 'x' } }, 'virtwork-cpu-0: nodeSelector key must be a label key'],
      [{ tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] }, 'virtwork-cpu-0: tolerations[0]: operator "Exists" takes no value, got value "b"'],
      [{ tolerations: [{ key: 'a', tolerationSeconds: 30 }] }, 'virtwork-cpu-0: tolerations[0]: tolerationSeconds applies only with effect "NoExecute"'],
      [{ spread: 'everywhere' }, 'virtwork-cpu-0: spread must be one of none, preferred, required, got "everywhere"'],
      [{ image: 'quay.io/x:1\nreboot' }, 'virtwork-cpu-0: image must be a container image reference, got "quay.io/x:1\\nreboot"'],
    ])('fails when given %j', (props, message) => {
      expect(build(props as any)).toThrow(message);
    });
  });

  describe('readiness probe', () => {
    it('runs the given command through the guest agent with cold-boot timings', () => {
      const objs = synth({ readinessProbe: { command: ['/usr/bin/systemctl', 'is-active', '--quiet', 'virtwork-cpu.service'] } });
      expect(tspec(objs).readinessProbe).toEqual({
        exec: { command: ['/usr/bin/systemctl', 'is-active', '--quiet', 'virtwork-cpu.service'] },
        initialDelaySeconds: 120, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 10,
      });
      expect(validateObjects(objs)).toEqual([]);
    });

    it('fails when the probe would time out after its period', () => {
      expect(build({ readinessProbe: { command: ['true'], periodSeconds: 5, timeoutSeconds: 5 } })).toThrow(
        'virtwork-cpu-0: readinessProbe.timeoutSeconds (5) must be less than periodSeconds (5)',
      );
    });
  });

  describe('user-data secret modes', () => {
    it('leaves the Secret out in mode "reference", still referencing it and keeping it for --secrets-out', () => {
      const chart = Testing.chart();
      const vm = new VirtualMachine(chart, 'vm', { name: 'virtwork-cpu-0', workload: 'cpu', userData: USER_DATA, userDataSecret: { mode: 'reference' } });
      const objs = Testing.synth(chart) as K8sObject[];
      expect(objs.map((o) => o.kind)).toEqual(['VirtualMachine']);
      expect(tspec(objs).volumes[1].cloudInitNoCloud.secretRef.name).toBe('virtwork-cpu-0-cloudinit');
      expect(vm.secretOutOfBand).toBe(true);
      expect(vm.plainSecret).toEqual({
        apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
        metadata: { name: 'virtwork-cpu-0-cloudinit', namespace: 'virtwork', labels: vmOf(objs).metadata.labels },
        stringData: { userdata: USER_DATA },
      });
    });

    it('emits an ExternalSecret that creates the labelled Secret in mode "external-secret" (snapshot)', () => {
      const objs = synth({ userDataSecret: { mode: 'external-secret', secretStore: 'vault', remoteKeyPrefix: 'load/' } });
      const es = objs.find((o) => o.kind === 'ExternalSecret')!;
      expect(es).toMatchSnapshot();
      expect(es.apiVersion).toBe('external-secrets.io/v1');
      expect(schemaProblems(es)).toEqual([]); // the real external-secrets v2.9.0 CRD serves only v1
      expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
      expect(es.spec.target).toMatchObject({ name: 'virtwork-cpu-0-cloudinit', template: { metadata: { labels: vmOf(objs).metadata.labels } } });
      expect(es.spec.data).toEqual([{ secretKey: 'userdata', remoteRef: { key: 'load/virtwork-cpu-0-cloudinit', property: 'userdata' } }]);
      expect(JSON.stringify(es)).not.toContain('stress-ng');
      expect(objs.some((o) => o.kind === 'Secret')).toBe(false);
    });

    it.each([
      [{ mode: 'external-secret' }, 'virtwork-cpu-0: userDataSecret.secretStore is required with mode "external-secret"'],
      [{ mode: 'secret', secretStore: 'vault' }, 'virtwork-cpu-0: userDataSecret: secretStore apply only to mode "external-secret", not "secret"'],
      [{ mode: 'sealed' }, 'virtwork-cpu-0: userDataSecret.mode must be one of secret, reference, external-secret, sealed-secret, got "sealed"'],
      [{ mode: 'sealed-secret' }, 'virtwork-cpu-0: userDataSecret: mode "sealed-secret" needs the Sealed Secrets controller\'s certificate'],
    ])('fails when the secret mode is %j', (userDataSecret, message) => {
      expect(build({ userDataSecret: userDataSecret as any })).toThrow(message);
    });
  });

  it('annotates the VM, its template, its DataVolume templates and its Secret', () => {
    const disk = { name: 'datadisk', dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: '10Gi' };
    const objs = synth({ dataDisks: [disk] }, (_, vm) => vm.addAnnotation('virtwork/version', '1.2.3'));
    const vm = vmOf(objs);
    for (const meta of [vm.metadata, vm.spec.template.metadata, vm.spec.dataVolumeTemplates[0].metadata, objs[0].metadata]) {
      expect(meta.annotations).toEqual({ 'virtwork/version': '1.2.3' });
    }
  });

  it('never emits the Argo CD tracking label app.kubernetes.io/instance', () => {
    const objs = synth({ rootDisk: { dataSource: { name: 'fedora' } }, spread: 'required', readinessProbe: { command: ['true'] } });
    expect(JSON.stringify(objs)).not.toContain('app.kubernetes.io/instance');
  });
});
