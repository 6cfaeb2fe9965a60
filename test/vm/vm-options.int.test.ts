import * as k8s from '@kubernetes/client-node';
import { Chart, Testing } from 'cdk8s';
import { addProvenance } from '../../lib/vm/provenance';
import { VirtualMachine } from '../../lib/vm/virtual-machine';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { StorageBenchWorkload } from '../../lib/workloads/storage-bench';
import { describeIntegration, testKubeConfig, useTestNamespace } from '../harness';
import { K8sObject } from '../support/validators';

const USER_DATA = '#cloud-config\npackages:\n  - stress-ng\n';

/** Every object a chart synthesizes, labelled `<case>: Kind name`. */
function objectsOf(label: string, build: (chart: Chart) => void): Array<[string, K8sObject]> {
  const chart = Testing.chart();
  build(chart);
  return (Testing.synth(chart) as K8sObject[]).map((o) => [`${label}: ${o.kind} ${o.metadata.name}`, o]);
}

const vm = (chart: Chart, props: Partial<ConstructorParameters<typeof VirtualMachine>[2]>) =>
  new VirtualMachine(chart, 'vm', { name: 'virtwork-cpu-0', workload: 'cpu', userData: USER_DATA, ...props });

/** One case per option (and the combinations the docs recommend), as the constructs synthesize them. */
const CASES: Array<[string, K8sObject]> = [
  ...objectsOf('defaults', (c) => vm(c, {})),
  ...objectsOf('DataSource root disk', (c) => vm(c, { rootDisk: { dataSource: { name: 'fedora' }, size: '30Gi', storageClass: 'ocs-rbd', accessModes: ['ReadWriteMany'], volumeMode: 'Block' } })),
  ...objectsOf('cluster instancetype + preference', (c) => vm(c, { instancetype: { name: 'u1.medium' }, preference: { name: 'fedora' } })),
  ...objectsOf('namespaced instancetype + preference', (c) => vm(c, {
    instancetype: { name: 'bench-size', kind: 'VirtualMachineInstancetype' }, preference: { name: 'bench-pref', kind: 'VirtualMachinePreference' },
  })),
  ...objectsOf('size preset', (c) => vm(c, { size: 'large' })),
  ...objectsOf('placement', (c) => vm(c, {
    nodeSelector: { 'node-role.kubernetes.io/worker': '' },
    tolerations: [{ key: 'virtwork/load', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }],
    spread: 'required', evictionStrategy: 'LiveMigrateIfPossible', runStrategy: 'RerunOnFailure', architecture: 'arm64',
  })),
  ...objectsOf('preferred spread, Manual', (c) => vm(c, { spread: 'preferred', runStrategy: 'Manual' })),
  ...objectsOf('Halted', (c) => vm(c, { runStrategy: 'Halted' })),
  ...objectsOf('Block data disk + probe', (c) => vm(c, {
    dataDisks: [{ name: 'datadisk', dataVolumeBase: 'virtwork-disk-data', serial: 'virtwork-disk', size: '20Gi' }],
    dataDisk: { storageClass: 'lvms', accessModes: ['ReadWriteOnce'], volumeMode: 'Block' }, evictionStrategy: 'None',
    readinessProbe: { command: ['/bin/sh', '-c', 'systemctl is-active --quiet a.service && systemctl is-active --quiet b.service'] },
  })),
  ...objectsOf('workload with migration and provenance', (c) => {
    const cpu = new CpuWorkload(c, 'cpu', { vmCount: 2, migrate: 'all', size: 'small' });
    addProvenance(c, { version: '0.1.0', paramsHash: cpu.paramsHash });
  }),
  ...objectsOf('storage-bench on Block', (c) => new StorageBenchWorkload(c, 'storage-bench', { dataDisk: { volumeMode: 'Block', accessModes: ['ReadWriteMany'] } })),
];

describeIntegration('VM options on the real API server with the KubeVirt v1.9.0 / CDI v1.66.0 CRDs', () => {
  const namespace = useTestNamespace('vmopts');

  /** Server-side apply as virtwork-apply does it, persisting nothing. */
  function dryRunApply(obj: K8sObject): Promise<k8s.KubernetesObject> {
    const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
    return api.patch({ ...obj, metadata: { ...obj.metadata, namespace } }, undefined, 'All', 'virtwork', true, k8s.PatchStrategy.ServerSideApply);
  }

  it.each(CASES)('accepts %s (server-side apply, dryRun=All)', async (_, obj) => {
    // WHEN the object is applied in dry-run mode
    const applied = await dryRunApply(obj) as K8sObject;

    // THEN the server accepts it and keeps the spec as synthesized (no field pruned as unknown)
    expect(applied).toMatchObject({ kind: obj.kind, metadata: { name: obj.metadata.name } });
    if (obj.spec !== undefined) expect(applied.spec).toEqual(obj.spec);
  });

  it('covers every kind the options emit', () => {
    expect([...new Set(CASES.map(([, o]) => o.kind))].sort()).toEqual(['Secret', 'VirtualMachine', 'VirtualMachineInstanceMigration']);
  });

  it('fails when the instancetype kind is not one KubeVirt knows, as virtwork rejects it before the server would', () => {
    // The CRD schema types instancetype.kind as a free string: only KubeVirt's webhook (absent here) refuses a bad
    // kind, so virtwork checks it itself, before anything is written.
    expect(() => objectsOf('bad kind', (c) => vm(c, { instancetype: { name: 'u1.medium', kind: 'Instancetype' as any } })))
      .toThrow('virtwork-cpu-0: instancetype.kind must be one of VirtualMachineClusterInstancetype, VirtualMachineInstancetype, got "Instancetype"');
  });
});
