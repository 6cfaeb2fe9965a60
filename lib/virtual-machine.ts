import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as kubevirt from '../imports/kubevirt.io';
import { VirtworkError, show } from './errors';
import { workloadLabels } from './labels';
import { checkDnsLabel, checkDnsSubdomain, checkLabelValue } from './names';
import { checkInt, checkQuantity } from './quantity';

/** Container disk image the VMs boot from unless told otherwise. */
export const DEFAULT_IMAGE = 'quay.io/containerdisks/fedora:42';
/** Run id used when the configuration names none (synthesis is deterministic, so this is not random). */
export const DEFAULT_RUN_ID = 'default';
/** Namespace used when neither the props nor the chart name one. */
export const DEFAULT_NAMESPACE = 'virtwork';
/** Key of the user-data in the cloud-init Secret. */
export const USERDATA_KEY = 'userdata';
/** Kubernetes' limit on a Secret's size, and so on the user-data. */
export const MAX_USERDATA_BYTES = 1024 * 1024;

/** An extra disk backed by a DataVolume template (blank source), found by the guest through its serial. */
export interface DataDisk {
  /** Disk and volume name inside the VM (`datadisk`). */
  readonly name: string;
  /** Base name of the DataVolume template: the DataVolume is called `<base>-<vm>`. */
  readonly dataVolumeBase: string;
  /** virtio serial (at most 20 characters): the guest sees `/dev/disk/by-id/virtio-<serial>`. */
  readonly serial: string;
  /** Requested size, a quantity like `10Gi`. */
  readonly size: string;
}

/** Props of {@link VirtualMachine}. */
export interface VirtualMachineProps {
  /** VM name (DNS-1123 label, at most 63 characters). */
  readonly name: string;
  /** Workload the VM belongs to (`app.kubernetes.io/component`). */
  readonly workload: string;
  /** The complete `#cloud-config` user-data, stored in the `<name>-cloudinit` Secret. */
  readonly userData: string;
  /**
   * Run id label value.
   * @default DEFAULT_RUN_ID
   */
  readonly runId?: string;
  /** Role of a multi-role workload (`virtwork/role` label). */
  readonly role?: string;
  /**
   * Namespace of every object.
   * @default the chart's namespace, else DEFAULT_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Guest CPU cores (`spec.template.spec.domain.cpu.cores`).
   * @default 2
   */
  readonly cpuCores?: number;
  /**
   * Guest memory request, a quantity.
   * @default '2Gi'
   */
  readonly memory?: string;
  /**
   * containerDisk image of the root disk.
   * @default DEFAULT_IMAGE
   */
  readonly image?: string;
  /** Extra disks backed by DataVolume templates. */
  readonly dataDisks?: readonly DataDisk[];
}

/**
 * A KubeVirt VirtualMachine running a workload: the VM (`runStrategy: Always`, containerDisk root disk,
 * cloud-init from a Secret, virtio disks, masquerade networking on the pod network), its cloud-init Secret
 * and optional DataVolume templates, all carrying virtwork's labels.
 *
 * @see https://kubevirt.io/user-guide/virtual_machines/virtual_machine_instances/
 */
export class VirtualMachine extends Construct {
  /** VM name. */
  public readonly name: string;
  /** Namespace of the VM and its Secret. */
  public readonly namespace: string;
  /** Name of the cloud-init Secret (`<name>-cloudinit`). */
  public readonly secretName: string;
  /** Labels on every object of this VM, the VM template included. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The L1 VirtualMachine (escape hatch: `ApiObject.of(vm.vm).addJsonPatch(...)`). */
  public readonly vm: kubevirt.VirtualMachine;
  /** The L1 cloud-init Secret. */
  public readonly secret: k8s.KubeSecret;

  public constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    super(scope, id);
    this.name = checkDnsLabel(`VirtualMachine name`, props.name);
    this.namespace = checkDnsLabel(`${this.name}: namespace`, props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE);
    this.secretName = checkDnsSubdomain(`${this.name}: cloud-init Secret name`, `${this.name}-cloudinit`);
    const cpuCores = checkInt(`${this.name}: cpuCores`, props.cpuCores ?? 2, 1, 512);
    const memory = checkQuantity(`${this.name}: memory`, props.memory ?? '2Gi');
    const image = props.image ?? DEFAULT_IMAGE;
    if (!/^[^\s]+$/.test(image)) throw new VirtworkError(`${this.name}: image must be a container image reference, got ${show(image)}`);
    const runId = checkLabelValue(`${this.name}: runId`, props.runId ?? DEFAULT_RUN_ID);
    if (props.role !== undefined) checkLabelValue(`${this.name}: role`, props.role);
    const userDataBytes = Buffer.byteLength(props.userData, 'utf8');
    if (userDataBytes > MAX_USERDATA_BYTES) {
      throw new VirtworkError(
        `${this.name}: cloud-init user-data is ${userDataBytes} bytes, over the 1 MiB (${MAX_USERDATA_BYTES} bytes) limit of a Secret`,
      );
    }
    this.labels = workloadLabels({ workload: props.workload, runId, role: props.role });
    const dataDisks = (props.dataDisks ?? []).map((d) => this.checkDataDisk(d));

    this.secret = new k8s.KubeSecret(this, 'cloudinit', {
      metadata: { name: this.secretName, namespace: this.namespace, labels: { ...this.labels } },
      type: 'Opaque',
      stringData: { [USERDATA_KEY]: props.userData },
    });

    this.vm = new kubevirt.VirtualMachine(this, 'vm', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
      spec: {
        runStrategy: 'Always',
        dataVolumeTemplates: dataDisks.length
          ? dataDisks.map((d) => ({
              metadata: { name: `${d.dataVolumeBase}-${this.name}`, labels: { ...this.labels } },
              spec: {
                source: { blank: {} },
                storage: {
                  resources: {
                    requests: { storage: kubevirt.VirtualMachineSpecDataVolumeTemplatesSpecStorageResourcesRequests.fromString(d.size) },
                  },
                },
              },
            }))
          : undefined,
        template: {
          metadata: { labels: { ...this.labels } },
          spec: {
            domain: {
              cpu: { cores: cpuCores },
              resources: {
                requests: { memory: kubevirt.VirtualMachineSpecTemplateSpecDomainResourcesRequests.fromString(memory) },
              },
              devices: {
                disks: [
                  { name: 'containerdisk', disk: { bus: 'virtio' } },
                  { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
                  ...dataDisks.map((d) => ({ name: d.name, serial: d.serial, disk: { bus: 'virtio' } })),
                ],
                interfaces: [{ name: 'default', masquerade: {} }],
              },
            },
            networks: [{ name: 'default', pod: {} }],
            volumes: [
              { name: 'containerdisk', containerDisk: { image } },
              { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: this.secretName } } },
              ...dataDisks.map((d) => ({ name: d.name, dataVolume: { name: `${d.dataVolumeBase}-${this.name}` } })),
            ],
          },
        },
      },
    });
  }

  /** The ApiObjects this VM synthesizes (Secret first, then the VM). */
  public get apiObjects(): ApiObject[] {
    return [this.secret, this.vm];
  }

  private checkDataDisk(d: DataDisk): DataDisk {
    const where = `${this.name}: data disk ${show(d.name)}`;
    checkDnsLabel(`${where}: name`, d.name);
    if (['containerdisk', 'cloudinitdisk'].includes(d.name)) throw new VirtworkError(`${where}: name is reserved`);
    checkDnsSubdomain(`${where}: DataVolume name`, `${d.dataVolumeBase}-${this.name}`);
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(d.serial)) {
      throw new VirtworkError(`${where}: serial must be 1 to 20 letters, digits, '-' or '_', got ${show(d.serial)}`);
    }
    checkQuantity(`${where}: size`, d.size);
    return d;
  }
}
