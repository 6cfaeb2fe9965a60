import { Chart, Testing } from 'cdk8s';
import { LABEL_KUBEVIRT_VM_NAME, WorkloadService, WorkloadServiceProps, pairedServiceName, serviceHost } from '../lib/service';
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

  it('names a Service by its in-cluster DNS name', () => {
    expect(serviceHost('virtwork-tps-server', 'load')).toBe('virtwork-tps-server.load.svc.cluster.local');
  });
});
