import { Construct } from 'constructs';
import { ParamInput, defineParams, int } from '../core/params';
import { WorkloadService, serviceHost } from '../vm/service';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { Workload, WorkloadProps } from './_workload';

/** Port of the iperf3 servers. */
export const IPERF3_PORT = 5201;
/** Name of the iperf3 Service (of the first server; see pairedServiceName). */
export const IPERF3_SERVICE = 'virtwork-iperf3-server';

/** Params of {@link NetworkWorkload}. */
export const NETWORK_PARAMS = defineParams({
  'parallel-streams': int({ default: 4, min: 1, max: 128, description: 'Number of parallel iperf3 streams (-P)' }),
  'test-duration': int({ default: 60, min: 1, max: 86400, description: 'Duration in seconds per iperf3 test (-t)' }),
});

/** Props of {@link NetworkWorkload}. */
export interface NetworkWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see NETWORK_PARAMS for defaults). */
  readonly params?: ParamInput<typeof NETWORK_PARAMS.defs>;
}

/**
 * iperf3 between pairs of VMs: `virtwork-network-server-<i>` runs `iperf3 -s`, `virtwork-network-client-<i>`
 * runs bidirectional tests against it in a loop. Each client reaches its own server through its own Service
 * (`virtwork-iperf3-server`, then `virtwork-iperf3-server-<i>` for i ≥ 1), because an iperf3 server serves one
 * test at a time and the streams of a test must all reach the server that accepted its control connection.
 */
export class NetworkWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'network';
  /** Param definitions. */
  public static readonly params = NETWORK_PARAMS;
  /** The Services, one per server, in index order. */
  public readonly services: WorkloadService[] = [];

  public constructor(scope: Construct, id: string, props: NetworkWorkloadProps = {}) {
    super(scope, id, NetworkWorkload.workloadName, props);
    const p = NETWORK_PARAMS.resolve(props.params, `${NetworkWorkload.workloadName}.params`);
    const unit = (description: string, execStart: string) => ({
      name: 'virtwork-network.service',
      content: renderUnit({
        description,
        after: ['network-online.target'],
        wants: ['network-online.target'],
        service: [['Type', 'simple'], ['ExecStart', execStart], ['Restart', 'always'], ['RestartSec', '10']],
      }),
    });
    const servers = this.addRole({
      role: 'server',
      packages: ['iperf3'],
      units: [unit('Virtwork iperf3 server', execLine(['/usr/bin/iperf3', '-s', '-p', String(IPERF3_PORT)]))],
      readiness: [{ kind: 'listen', name: 'iperf3-server', port: IPERF3_PORT }],
    });
    servers.forEach((server, i) => {
      const name = this.serviceName(IPERF3_SERVICE, 'server', i);
      this.services.push(new WorkloadService(this, `service-${name}`, {
        name,
        namespace: this.namespace,
        workload: this.workloadName,
        instance: this.instanceName,
        runId: this.runId,
        selectorRole: 'server',
        selectorVm: server.name,
        ports: [{ name: 'iperf3', port: IPERF3_PORT }],
      }));
    });
    for (let i = 0; i < this.vmCount; i++) {
      const host = serviceHost(this.serviceName(IPERF3_SERVICE, 'server', i));
      const test = `iperf3 -c ${host} -p ${IPERF3_PORT} -t ${p['test-duration']} -P ${p['parallel-streams']} --bidir`;
      this.addRole({
        role: 'client',
        packages: ['iperf3'],
        // a heartbeat after every transfer that succeeded: a client whose server is unreachable is not Ready
        units: [unit('Virtwork iperf3 client', execLine(['/bin/bash', '-c', `while true; do ${test} && ${HEARTBEAT_HELPER} iperf3-client ${host}; sleep 10; done`]))],
        readiness: [{ kind: 'heartbeat', name: 'iperf3-client', within: heartbeatWithin(p['test-duration'] + 10), what: 'iperf3 transfer' }],
      }, 1, i);
    }
  }
}
