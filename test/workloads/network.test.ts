import { LABEL_KUBEVIRT_VM_NAME } from '../../lib/vm/service';
import { NetworkWorkload } from '../../lib/workloads/network';
import { TpsWorkload } from '../../lib/workloads/tps';
import { validateObjects } from '../support/validators';
import { HOSTILE, bashProgram, selectedVms, byKind, entry, execStart, find, names, own, readinessChecks, synth, unitOf, userData } from './_support';

/** The host a client's bash loop connects to (`iperf3 -c <host>`). */
const clientHost = (program: string) => /iperf3 -c (\S+)/.exec(program)![1];

describe('NetworkWorkload', () => {
  it('synthesizes an iperf3 server, its Service and a client (snapshot)', () => {
    // GIVEN the default network workload in namespace "load"
    // WHEN it is synthesized
    const objs = synth((c) => new NetworkWorkload(c, 'network', { namespace: 'load' }));

    // THEN server VM, Service, client VM; the reference packages, units and commands; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual([
      'Secret/virtwork-network-server-0-cloudinit', 'VirtualMachine/virtwork-network-server-0',
      'Service/virtwork-iperf3-server',
      'Secret/virtwork-network-client-0-cloudinit', 'VirtualMachine/virtwork-network-client-0',
    ]);
    for (const role of ['server', 'client']) {
      const doc = userData(objs, `virtwork-network-${role}-0`);
      expect(own(doc).packages).toEqual(['iperf3']);
      expect(own(doc).paths).toEqual(['/etc/systemd/system/virtwork-network.service']);
      expect(own(doc).runcmd).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'virtwork-network.service']]);
      expect(find(objs, 'VirtualMachine', `virtwork-network-${role}-0`).metadata.labels['virtwork/role']).toBe(role);
    }
    const server = unitOf(userData(objs, 'virtwork-network-server-0'), 'virtwork-network.service');
    expect(entry(server, 'Description')).toBe('Virtwork iperf3 server');
    expect(execStart(server)).toEqual(['/usr/bin/iperf3', '-s', '-p', '5201']);
    const client = unitOf(userData(objs, 'virtwork-network-client-0'), 'virtwork-network.service');
    expect(entry(client, 'Description')).toBe('Virtwork iperf3 client');
    expect(bashProgram(client)).toBe(
      'while true; do iperf3 -c virtwork-iperf3-server -p 5201 -t 60 -P 4 --bidir && /usr/local/bin/virtwork-heartbeat iperf3-client virtwork-iperf3-server; sleep 10; done',
    );
    // Ready means: the server listens; the client's transfers succeed (a heartbeat per transfer, fresh within two
    // rounds of 60 s + 10 s and two minutes), so a client that cannot reach its server is not Ready
    expect(readinessChecks(userData(objs, 'virtwork-network-server-0'))).toEqual([{ kind: 'listen', name: 'iperf3-server', port: 5201 }]);
    expect(readinessChecks(userData(objs, 'virtwork-network-client-0'))).toEqual([
      { kind: 'heartbeat', name: 'iperf3-client', within: 260, what: 'iperf3 transfer' },
    ]);
    expect(find(objs, 'VirtualMachine', 'virtwork-network-client-0').spec.template.spec.readinessProbe.httpGet).toEqual({ path: '/virtwork/ready', port: 8099 });
    const svc = find(objs, 'Service', 'virtwork-iperf3-server');
    expect(svc.metadata.namespace).toBe('load');
    expect(svc.spec.ports).toEqual([{ name: 'iperf3', port: 5201, targetPort: 5201, protocol: 'TCP' }]);
    expect(svc.metadata.labels['app.kubernetes.io/component']).toBe('network');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: its Service selects network servers only, never tps servers deployed alongside', () => {
    // GIVEN network and tps deployed together (the default run of the reference)
    const objs = synth((c) => {
      new NetworkWorkload(c, 'network');
      new TpsWorkload(c, 'tps');
    });
    // THEN each Service selects exactly the server of its own workload
    expect(selectedVms(objs, find(objs, 'Service', 'virtwork-iperf3-server'))).toEqual(['virtwork-network-server-0']);
    expect(selectedVms(objs, find(objs, 'Service', 'virtwork-tps-server'))).toEqual(['virtwork-tps-server-0']);
    expect(find(objs, 'Service', 'virtwork-iperf3-server').spec.selector).toEqual({
      'app.kubernetes.io/managed-by': 'virtwork',
      'app.kubernetes.io/component': 'network',
      'virtwork/role': 'server',
      [LABEL_KUBEVIRT_VM_NAME]: 'virtwork-network-server-0',
    });
  });

  it('fixes the reference: with vmCount 3 each client tests against its own server, through its own Service', () => {
    // GIVEN three pairs
    const objs = synth((c) => new NetworkWorkload(c, 'network', { vmCount: 3 }));

    // THEN three Services, one per server, and client i reaches exactly server i
    expect(byKind(objs, 'Service').map((s) => s.metadata.name)).toEqual([
      'virtwork-iperf3-server', 'virtwork-iperf3-server-1', 'virtwork-iperf3-server-2',
    ]);
    for (const i of [0, 1, 2]) {
      const host = clientHost(bashProgram(unitOf(userData(objs, `virtwork-network-client-${i}`), 'virtwork-network.service')));
      // the short Service name, resolved in the VM's own namespace (see serviceHost)
      expect(find(objs, 'Service', host).metadata.namespace).toBe('virtwork');
      expect(selectedVms(objs, find(objs, 'Service', host))).toEqual([`virtwork-network-server-${i}`]);
    }
    expect(byKind(objs, 'VirtualMachine').map((v) => v.metadata.name)).toEqual([
      'virtwork-network-server-0', 'virtwork-network-server-1', 'virtwork-network-server-2',
      'virtwork-network-client-0', 'virtwork-network-client-1', 'virtwork-network-client-2',
    ]);
  });

  it.each([
    ['default', {}, '-t 60 -P 4'],
    ['full override', { 'parallel-streams': 8, 'test-duration': 30 }, '-t 30 -P 8'],
    ['partial override', { 'parallel-streams': '2' }, '-t 60 -P 2'],
  ])('wires params: %s', (_, params, args) => {
    const doc = userData(synth((c) => new NetworkWorkload(c, 'network', { params })), 'virtwork-network-client-0');
    expect(bashProgram(unitOf(doc, 'virtwork-network.service'))).toContain(`-p 5201 ${args} --bidir`);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ 'parallel-streams': 0 }, 'network.params.parallel-streams: must be an integer from 1 to 128, got 0'],
    [{ 'test-duration': 1.5 }, 'network.params.test-duration: must be an integer from 1 to 86400, got 1.5'],
    [{ 'parallel-stream': 2 }, 'network.params.parallel-stream: unknown param (did you mean "parallel-streams"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ 'test-duration': v }, `network.params.test-duration: must be an integer from 1 to 86400, got ${JSON.stringify(v)}`]),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new NetworkWorkload(c, 'network', { params: params as any }))).toThrow(message);
  });
});
