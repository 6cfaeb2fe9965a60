import { Chart, Testing } from 'cdk8s';
import { SHIPPED_CATALOG_DIR, catalogRegistry, loadCatalogEntries } from '../lib/catalog';
import { Manifest, parseManifestText } from '../lib/cluster/manifests';
import { relocate } from '../lib/cluster/run-id';
import { KUSTOMIZATION_FILE, synthesize } from '../lib/render/synth';
import { BUILTIN_WORKLOADS } from '../lib/workloads/_registry';
import { LABEL_KUBEVIRT_VM_NAME, WorkloadService, WorkloadServiceProps, pairedServiceName, serviceHost } from '../lib/vm/service';
import { K8sObject, validateObjects } from './support/validators';

const BASE: WorkloadServiceProps = {
  name: 'virtwork-iperf3-server',
  namespace: 'load',
  workload: 'network',
  runId: 'r1',
  selectorRole: 'server',
  ports: [{ name: 'iperf3', port: 5201 }],
};

function synth(props: WorkloadServiceProps): K8sObject[] {
  const chart: Chart = Testing.chart();
  new WorkloadService(chart, 'svc', props);
  return Testing.synth(chart) as K8sObject[];
}

describe('WorkloadService', () => {
  it('is a ClusterIP Service labelled like every virtwork object, selecting its own workload and role (snapshot)', () => {
    // GIVEN the props of the network workload's server Service
    // WHEN it is synthesized
    const objs = synth(BASE);

    // THEN one valid Service, scoped by managed-by + component + role (never role alone), targetPort = port
    expect(objs).toMatchSnapshot();
    expect(objs).toHaveLength(1);
    const svc = objs[0];
    expect(svc.metadata).toEqual({
      name: 'virtwork-iperf3-server',
      namespace: 'load',
      labels: {
        'app.kubernetes.io/managed-by': 'virtwork',
        'app.kubernetes.io/name': 'virtwork-network',
        'app.kubernetes.io/component': 'network',
        'virtwork/run-id': 'r1',
      },
    });
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual({
      'app.kubernetes.io/managed-by': 'virtwork',
      'app.kubernetes.io/component': 'network',
      'virtwork/role': 'server',
    });
    expect(svc.spec.ports).toEqual([{ name: 'iperf3', port: 5201, targetPort: 5201, protocol: 'TCP' }]);
    expect(validateObjects(objs)).toEqual([]);
  });

  it('selects one VM by its KubeVirt name label when selectorVm is given', () => {
    const [svc] = synth({ ...BASE, selectorVm: 'virtwork-network-server-1' });
    expect(svc.spec.selector[LABEL_KUBEVIRT_VM_NAME]).toBe('virtwork-network-server-1');
    expect(svc.spec.selector['app.kubernetes.io/component']).toBe('network');
  });

  it('selects every VM of the workload when no role is given, keeps port order and protocols', () => {
    const [svc] = synth({
      ...BASE, selectorRole: undefined,
      ports: [{ name: 'b', port: 2 }, { name: 'a', port: 1, protocol: 'UDP' }, { name: 'a-tcp', port: 1 }],
    });
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/component': 'network' });
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`)).toEqual(['b:2/TCP', 'a:1/UDP', 'a-tcp:1/TCP']);
  });

  it.each([
    [{ name: 'Bad_Name' }, 'Service name must be a DNS-1123 label'],
    [{ namespace: 'x'.repeat(64) }, 'Service "virtwork-iperf3-server": namespace must be a DNS-1123 label'],
    [{ selectorRole: 'server role' }, 'Service "virtwork-iperf3-server": selectorRole must be a valid label value'],
    [{ selectorVm: 'VM' }, 'Service "virtwork-iperf3-server": selectorVm must be a DNS-1123 label'],
    [{ runId: '$(reboot)' }, 'Service "virtwork-iperf3-server": runId must be a valid label value'],
    [{ ports: [] }, 'Service "virtwork-iperf3-server": ports must list at least one port'],
    [{ ports: [{ name: 'iperf3', port: 0 }] }, 'Service "virtwork-iperf3-server": port "iperf3" must be an integer from 1 to 65535, got 0'],
    [{ ports: [{ name: 'iperf3', port: 65536 }] }, 'must be an integer from 1 to 65535, got 65536'],
    [{ ports: [{ name: 'Iperf', port: 1 }] }, 'port name must be an IANA service name'],
    [{ ports: [{ name: 'a-very-long-port-name', port: 1 }] }, 'port name must be an IANA service name'],
    [{ ports: [{ name: '5201', port: 1 }] }, 'port name must be an IANA service name'],
    [{ ports: [{ name: 'a', port: 1 }, { name: 'a', port: 2 }] }, 'port name "a" is used twice'],
    [{ ports: [{ name: 'a', port: 1 }, { name: 'b', port: 1 }] }, 'port 1/TCP is listed twice'],
    [{ ports: [{ name: 'a', port: 1, protocol: 'SCTP' as any }] }, 'port "a" protocol must be TCP or UDP, got "SCTP"'],
  ])('fails when %j', (override, message) => {
    expect(() => synth({ ...BASE, ...override } as WorkloadServiceProps)).toThrow(message);
  });
});

describe('pairedServiceName / serviceHost', () => {
  it('keeps the base name for the first server and suffixes the others', () => {
    expect([0, 1, 2].map((i) => pairedServiceName('virtwork-tps-server', i))).toEqual([
      'virtwork-tps-server', 'virtwork-tps-server-1', 'virtwork-tps-server-2',
    ]);
  });

  it('reaches a Service by its short name, resolved through the namespace search domain (no namespace in it)', () => {
    expect(serviceHost('virtwork-tps-server')).toBe('virtwork-tps-server');
  });
});

describe('user-data does not depend on the namespace (issue 13, item 6)', () => {
  const registry = { ...BUILTIN_WORKLOADS, ...catalogRegistry(loadCatalogEntries(SHIPPED_CATALOG_DIR, ['redis-bench'])) };
  const workloads = [{ name: 'network', vmCount: 2 }, { name: 'tps', vmCount: 2 }, { name: 'redis-bench', vmCount: 2 }];
  const synthIn = (namespace: string): Manifest[] =>
    [...synthesize({ namespace, runId: 'r1', workloads, registry })]
      .filter(([file]) => file !== KUSTOMIZATION_FILE)
      .flatMap(([file, text]) => parseManifestText(text, file));
  const withoutNamespace = (m: Manifest) => {
    const { namespace: _ignored, ...metadata } = m.object.metadata;
    return { ...m.object, metadata };
  };
  const secrets = (ms: Manifest[]) => ms.filter((m) => m.object.kind === 'Secret');

  it('synthesizes byte-identical cloud-init Secrets in two namespaces, apart from metadata.namespace', () => {
    // GIVEN the same multi-VM configuration (network, tps and a catalog entry with a service) in two namespaces
    const [a, b] = [synthIn('load-a'), synthIn('load-b')];
    // THEN the Secrets carry the same user-data byte for byte, and nothing else differs but the namespace
    expect(secrets(a).length).toBeGreaterThanOrEqual(12);
    expect(secrets(a).map((m) => (m.object as any).stringData.userdata)).toEqual(secrets(b).map((m) => (m.object as any).stringData.userdata));
    expect(secrets(a).map(withoutNamespace)).toEqual(secrets(b).map(withoutNamespace));
    // AND the user-data names the servers by their short Service names
    const userdata = secrets(a).map((m) => (m.object as any).stringData.userdata).join('\n');
    expect(userdata).not.toContain('load-a');
    expect(userdata).not.toContain('svc.cluster.local');
  });

  it('makes `apply -n` relocation equal to synthesizing in the target namespace', () => {
    // GIVEN dist/ synthesized for "load-a", relocated to "load-b" as `virtwork-apply apply -n load-b` does
    const moved = relocate(synthIn('load-a'), 'load-b', (m) => m.object.kind !== 'Namespace');
    // THEN every object is what synthesis in "load-b" gives (the server host names included), except the firmware
    // UUID, which synthesis derives from namespace and name and relocation keeps
    const noFirmware = (ms: Manifest[]) => ms.map((m) => {
      const o = structuredClone(m.object) as any;
      if (o.kind === 'VirtualMachine') delete o.spec.template.spec.domain.firmware;
      return o;
    });
    expect(noFirmware(moved)).toEqual(noFirmware(synthIn('load-b')));
  });
});
