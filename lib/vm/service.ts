// the generated Kubernetes L1 classes only: cdk8s-plus-28's index loads every L2 construct too (a tenth of a cold synth)
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { workloadLabels, workloadSelector } from '../core/labels';
import { checkDnsLabel, checkLabelValue } from '../core/names';

/**
 * Label KubeVirt puts on the virt-launcher pod of a VM, with the VM's name as value: selecting on it
 * routes a Service to exactly one VM.
 */
export const LABEL_KUBEVIRT_VM_NAME = 'vm.kubevirt.io/name';

/** One port of a {@link WorkloadService}. */
export interface ServicePort {
  /** Port name (IANA service name: lowercase letters, digits and '-', at most 15 characters). */
  readonly name: string;
  /** Port number, also the target port on the VM. */
  readonly port: number;
  /**
   * Transport protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Props of {@link WorkloadService}. */
export interface WorkloadServiceProps {
  /** Service name (DNS-1123 label, at most 63 characters): guests of the namespace reach it by this name (see serviceHost). */
  readonly name: string;
  /** Namespace of the Service (that of the VMs it selects). */
  readonly namespace: string;
  /** Workload whose VMs the Service selects (`app.kubernetes.io/component`). */
  readonly workload: string;
  /** Run id label value. */
  readonly runId: string;
  /**
   * Instance of the workload whose VMs the Service selects (`virtwork/instance`, see instanceLabel).
   * @default the instance named after the workload type
   */
  readonly instance?: string;
  /**
   * Role of the VMs to select (`virtwork/role`), for multi-role workloads.
   * @default every VM of the workload
   */
  readonly selectorRole?: string;
  /**
   * Name of the one VM to select (KubeVirt's `vm.kubevirt.io/name` pod label), to pair a client with its own server.
   * @default every VM of the workload (and role)
   */
  readonly selectorVm?: string;
  /** Ports, in order; at least one. */
  readonly ports: readonly ServicePort[];
}

/**
 * A ClusterIP Service in front of the VMs of one workload (and role): labelled like every virtwork object and
 * selecting only that workload instance's VMs — never a role alone, so a network Service cannot pick up tps servers
 * nor the servers of another network instance.
 *
 * @see https://kubevirt.io/user-guide/network/service_objects/
 */
export class WorkloadService extends Construct {
  /** Service name. */
  public readonly name: string;
  /** The label selector of the Service. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The L1 Service (escape hatch). */
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: WorkloadServiceProps) {
    super(scope, id);
    this.name = checkDnsLabel('Service name', props.name);
    const where = `Service ${show(this.name)}`;
    const namespace = checkDnsLabel(`${where}: namespace`, props.namespace);
    checkLabelValue(`${where}: workload`, props.workload);
    if (props.instance !== undefined) checkLabelValue(`${where}: instance`, props.instance);
    const runId = checkLabelValue(`${where}: runId`, props.runId);
    if (props.selectorRole !== undefined) checkLabelValue(`${where}: selectorRole`, props.selectorRole);
    if (props.selectorVm !== undefined) checkDnsLabel(`${where}: selectorVm`, props.selectorVm);
    const ports = checkPorts(where, props.ports);
    this.selector = {
      ...workloadSelector(props.workload, props.selectorRole, props.instance),
      ...(props.selectorVm !== undefined ? { [LABEL_KUBEVIRT_VM_NAME]: props.selectorVm } : {}),
    };
    this.service = new k8s.KubeService(this, 'service', {
      metadata: { name: this.name, namespace, labels: workloadLabels({ workload: props.workload, runId, instance: props.instance }) },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.port),
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
  }
}

function checkPorts(where: string, ports: readonly ServicePort[]): readonly ServicePort[] {
  if (ports.length === 0) throw new VirtworkError(`${where}: ports must list at least one port`);
  const names = new Set<string>();
  const numbers = new Set<string>();
  for (const p of ports) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.name) || p.name.length > 15 || !/[a-z]/.test(p.name)) {
      throw new VirtworkError(
        `${where}: port name must be an IANA service name (lowercase letters, digits and '-', at least one letter, ` +
          `at most 15 characters), got ${show(p.name)}`,
      );
    }
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      throw new VirtworkError(`${where}: port ${show(p.name)} must be an integer from 1 to 65535, got ${show(p.port)}`);
    }
    if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
      throw new VirtworkError(`${where}: port ${show(p.name)} protocol must be TCP or UDP, got ${show(p.protocol)}`);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (names.has(p.name)) throw new VirtworkError(`${where}: port name ${show(p.name)} is used twice`);
    if (numbers.has(key)) throw new VirtworkError(`${where}: port ${key} is listed twice`);
    names.add(p.name);
    numbers.add(key);
  }
  return ports;
}

/**
 * Name of the Service of server `index` when each client is paired with its own server: `base` for the first
 * (so a one-pair deployment keeps the reference name), `<base>-<index>` for the others.
 */
export function pairedServiceName(base: string, index: number): string {
  return index === 0 ? base : `${base}-${index}`;
}

/**
 * Host name a guest uses to reach a Service of its own namespace: the Service's short name. It is resolved through
 * the namespace search domain (`<namespace>.svc.<cluster-domain>`) that KubeVirt hands the guest by DHCP (masquerade
 * binding), so the user-data does not depend on the namespace (or the cluster domain) and `virtwork-apply apply -n`
 * can move the objects without rewriting it. Every server host name written into a guest comes from here.
 * @see docs/architecture.md ("Names the guests resolve")
 */
export function serviceHost(serviceName: string): string {
  return serviceName;
}
