import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kubevirt from '../../imports/kubevirt.io';
import { VirtworkError, show } from '../core/errors';
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_RUN_ID, workloadLabels } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, checkLabelValue } from '../core/names';
import { checkQuantity } from '../core/quantity';
import { UserDataSecretSpec, addUserDataObject, plainSecretManifest } from './secret-modes';
import { registerAppChecks } from './unique-objects';
import { VmOptions, checkVmOptions } from './vm-options';
import { DEFAULT_ARCHITECTURE, pinnedFirmware } from './drift';
import { evictionStrategyFor, spreadAffinity } from './placement';
import { GuestReadinessProbe, readinessProbeSpec } from './readiness';
import { resolveSizing } from './sizing';
import { DEFAULT_DATASOURCE_NAMESPACE, StorageOptions, storageSpec } from './storage';

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
/** Base name of the DataVolume of a root disk cloned from a DataSource: the DataVolume is `virtwork-root-<vm>`. */
export const ROOT_DATA_VOLUME_BASE = 'virtwork-root';
/** Disk and volume names virtwork uses itself. */
export const RESERVED_DISK_NAMES: readonly string[] = ['containerdisk', 'rootdisk', 'cloudinitdisk'];

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

/** Props of {@link VirtualMachine}: identity, user-data and disks, plus every {@link VmOptions} option. */
export interface VirtualMachineProps extends VmOptions {
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
   * Instance of the workload the VM belongs to (`virtwork/instance` label, see instanceLabel).
   * @default the instance named after the workload type (no instance label)
   */
  readonly instance?: string;
  /**
   * Namespace of every object.
   * @default the chart's namespace, else DEFAULT_NAMESPACE
   */
  readonly namespace?: string;
  /** Extra disks backed by DataVolume templates (storage from `dataDisk`). */
  readonly dataDisks?: readonly DataDisk[];
  /**
   * A readiness probe run in the guest by the qemu-guest-agent (the guest must run the agent with guest-exec
   * allowed: the workload constructs see to it).
   * @default no probe
   */
  readonly readinessProbe?: GuestReadinessProbe;
  /**
   * KubeVirt access credentials: SSH keys or passwords read from existing Secrets (see `sshAccessCredentials`).
   * @default none
   * @see https://kubevirt.io/user-guide/user_workloads/accessing_virtual_machines/
   */
  readonly accessCredentials?: readonly kubevirt.VirtualMachineSpecTemplateSpecAccessCredentials[];
}

/**
 * A KubeVirt VirtualMachine running a workload: the VM (containerDisk or DataSource-cloned root disk, cloud-init from
 * a Secret, virtio disks, masquerade networking on the pod network), its cloud-init Secret (or ExternalSecret) and
 * its DataVolume templates, all carrying virtwork's labels. Firmware UUID / serial and architecture are pinned up
 * front so that a GitOps tool sees no drift after KubeVirt defaults them.
 *
 * @see https://kubevirt.io/user-guide/virtual_machines/virtual_machine_instances/
 */
export class VirtualMachine extends Construct {
  /** VM name. */
  public readonly name: string;
  /** Namespace of the VM and its Secret. */
  public readonly namespace: string;
  /** Name of the cloud-init Secret (`<name>-cloudinit`), referenced in every secret mode. */
  public readonly secretName: string;
  /** Labels on every object of this VM, the VM template included. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The L1 VirtualMachine (escape hatch: `ApiObject.of(vm.vm).addJsonPatch(...)`). */
  public readonly vm: kubevirt.VirtualMachine;
  /** The object carrying the user-data in the manifests: a Secret, an ExternalSecret, or none (mode `reference`). */
  public readonly secret?: ApiObject;
  /** The user-data Secret as a plain manifest, whatever the mode (for `virtwork synth --secrets-out`). */
  public readonly plainSecret: ReturnType<typeof plainSecretManifest>;
  /** Whether the manifests leave the user-data out (modes `reference` and `external-secret`: it must be provided). */
  public readonly secretOutOfBand: boolean;
  /** Names of the DataVolumes KubeVirt creates from this VM's templates, in template order. */
  public readonly dataVolumeNames: readonly string[];
  private readonly annotations: Record<string, string> = {};

  public constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    super(scope, id);
    registerAppChecks(this);
    this.name = checkDnsLabel(`VirtualMachine name`, props.name);
    const where = this.name;
    this.namespace = checkDnsLabel(`${where}: namespace`, props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE);
    this.secretName = checkDnsSubdomain(`${where}: cloud-init Secret name`, `${this.name}-cloudinit`);
    checkVmOptions(where, props);
    const sizing = resolveSizing(where, props);
    const runId = checkLabelValue(`${where}: runId`, props.runId ?? DEFAULT_RUN_ID);
    if (props.role !== undefined) checkLabelValue(`${where}: role`, props.role);
    if (props.instance !== undefined) checkLabelValue(`${where}: instance`, props.instance);
    const userDataBytes = Buffer.byteLength(props.userData, 'utf8');
    if (userDataBytes > MAX_USERDATA_BYTES) {
      throw new VirtworkError(`${where}: cloud-init user-data is ${userDataBytes} bytes, over the 1 MiB (${MAX_USERDATA_BYTES} bytes) limit of a Secret`);
    }
    this.labels = workloadLabels({ workload: props.workload, runId, role: props.role, instance: props.instance });
    const dataDisks = (props.dataDisks ?? []).map((d) => this.checkDataDisk(d));
    const dataStorage: StorageOptions = props.dataDisk ?? {};
    const pvcs = [
      ...(props.rootDisk ? [{ ...props.rootDisk, what: 'the root disk' }] : []),
      ...dataDisks.map((d) => ({ ...dataStorage, what: `data disk ${show(d.name)}` })),
    ];
    const evictionStrategy = evictionStrategyFor(where, props.evictionStrategy, pvcs);

    const secretSpec: UserDataSecretSpec = {
      name: this.secretName, namespace: this.namespace, labels: this.labels, key: USERDATA_KEY, userData: props.userData,
    };
    this.plainSecret = plainSecretManifest(secretSpec);
    this.secretOutOfBand = ['reference', 'external-secret'].includes(props.userDataSecret?.mode ?? 'secret');
    this.secret = addUserDataObject(this, 'cloudinit', props.userDataSecret ?? {}, secretSpec);

    const annotations = Lazy.any({ produce: () => (Object.keys(this.annotations).length ? { ...this.annotations } : undefined) });
    const rootVolume = props.rootDisk
      ? { name: 'rootdisk', dataVolume: { name: `${ROOT_DATA_VOLUME_BASE}-${this.name}` } }
      : { name: 'containerdisk', containerDisk: { image: props.image ?? DEFAULT_IMAGE } };
    const dataVolumeTemplates = [
      ...(props.rootDisk
        ? [{
            metadata: { name: rootVolume.dataVolume!.name, labels: { ...this.labels }, annotations },
            spec: {
              sourceRef: { kind: 'DataSource', name: props.rootDisk.dataSource.name, namespace: props.rootDisk.dataSource.namespace ?? DEFAULT_DATASOURCE_NAMESPACE },
              storage: storageSpec(props.rootDisk, props.rootDisk.size),
            },
          }]
        : []),
      ...dataDisks.map((d) => ({
        metadata: { name: `${d.dataVolumeBase}-${this.name}`, labels: { ...this.labels }, annotations },
        spec: { source: { blank: {} }, storage: storageSpec(dataStorage, d.size) },
      })),
    ];
    this.dataVolumeNames = dataVolumeTemplates.map((t) => t.metadata.name);
    const firmware = pinnedFirmware(this.namespace, this.name);

    this.vm = new kubevirt.VirtualMachine(this, 'vm', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
      spec: {
        runStrategy: props.runStrategy ?? 'Always',
        instancetype: sizing.instancetype,
        preference: sizing.preference,
        dataVolumeTemplates: dataVolumeTemplates.length ? (dataVolumeTemplates as kubevirt.VirtualMachineSpecDataVolumeTemplates[]) : undefined,
        template: {
          metadata: { labels: { ...this.labels }, annotations },
          spec: {
            architecture: props.architecture ?? DEFAULT_ARCHITECTURE,
            evictionStrategy,
            nodeSelector: props.nodeSelector && Object.keys(props.nodeSelector).length ? { ...props.nodeSelector } : undefined,
            tolerations: props.tolerations?.length ? props.tolerations.map((t) => ({ ...t })) : undefined,
            affinity: spreadAffinity(props.spread ?? 'none', {
              [LABEL_MANAGED_BY]: this.labels[LABEL_MANAGED_BY],
              [LABEL_COMPONENT]: this.labels[LABEL_COMPONENT],
              [LABEL_RUN_ID]: this.labels[LABEL_RUN_ID],
            }),
            readinessProbe: props.readinessProbe ? typedProbe(readinessProbeSpec(where, props.readinessProbe)) : undefined,
            accessCredentials: props.accessCredentials?.length ? [...props.accessCredentials] : undefined,
            domain: {
              firmware,
              cpu: sizing.instancetype ? undefined : { cores: sizing.cpuCores },
              resources: sizing.instancetype
                ? undefined
                : { requests: { memory: kubevirt.VirtualMachineSpecTemplateSpecDomainResourcesRequests.fromString(sizing.memory) } },
              devices: {
                disks: [
                  { name: rootVolume.name, disk: { bus: 'virtio' } },
                  { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
                  ...dataDisks.map((d) => ({ name: d.name, serial: d.serial, disk: { bus: 'virtio' } })),
                ],
                interfaces: [{ name: 'default', masquerade: {} }],
              },
            },
            networks: [{ name: 'default', pod: {} }],
            volumes: [
              rootVolume,
              { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: this.secretName } } },
              ...dataDisks.map((d) => ({ name: d.name, dataVolume: { name: `${d.dataVolumeBase}-${this.name}` } })),
            ],
          } as kubevirt.VirtualMachineSpecTemplateSpec,
        },
      },
    });
  }

  /** The ApiObjects this VM synthesizes (user-data object first, when there is one, then the VM). */
  public get apiObjects(): ApiObject[] {
    return this.secret ? [this.secret, this.vm] : [this.vm];
  }

  /**
   * Annotates every object of this VM: the VM, its VMI template (so the VMI and its virt-launcher pod carry it),
   * its DataVolume templates and its user-data object. Later values of a key win.
   */
  public addAnnotation(key: string, value: string): void {
    this.annotations[key] = value;
    this.vm.metadata.addAnnotation(key, value);
    this.secret?.metadata.addAnnotation(key, value);
  }

  private checkDataDisk(d: DataDisk): DataDisk {
    const where = `${this.name}: data disk ${show(d.name)}`;
    checkDnsLabel(`${where}: name`, d.name);
    if (RESERVED_DISK_NAMES.includes(d.name)) throw new VirtworkError(`${where}: name is reserved (${RESERVED_DISK_NAMES.join(', ')})`);
    checkDnsSubdomain(`${where}: DataVolume name`, `${d.dataVolumeBase}-${this.name}`);
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(d.serial)) {
      throw new VirtworkError(`${where}: serial must be 1 to 20 letters, digits, '-' or '_', got ${show(d.serial)}`);
    }
    checkQuantity(`${where}: size`, d.size);
    return d;
  }
}

/** A probe spec (plain JSON) in the generated types' form: an httpGet port is an IntOrString there. */
function typedProbe(spec: Record<string, unknown>): kubevirt.VirtualMachineSpecTemplateSpecReadinessProbe {
  const http = spec.httpGet as { path: string; port: number } | undefined;
  if (!http) return spec as kubevirt.VirtualMachineSpecTemplateSpecReadinessProbe;
  return { ...spec, httpGet: { path: http.path, port: kubevirt.VirtualMachineSpecTemplateSpecReadinessProbeHttpGetPort.fromNumber(http.port) } };
}
