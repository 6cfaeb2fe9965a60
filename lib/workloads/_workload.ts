import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CloudConfig, CloudUser, WriteFile, renderCloudConfig } from '../cloud-init';
import { vmName } from '../names';
import { checkInt, checkQuantity } from '../quantity';
import { DEFAULT_NAMESPACE, DEFAULT_RUN_ID, DataDisk, VirtualMachine } from '../virtual-machine';

/** Props every workload accepts. */
export interface WorkloadProps {
  /**
   * VMs per role (single-role workloads: VMs in all).
   * @default 1
   */
  readonly vmCount?: number;
  /**
   * Guest CPU cores of each VM.
   * @default 2
   */
  readonly cpuCores?: number;
  /**
   * Guest memory of each VM, a quantity.
   * @default '2Gi'
   */
  readonly memory?: string;
  /**
   * containerDisk image.
   * @default DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Run id label value.
   * @default DEFAULT_RUN_ID
   */
  readonly runId?: string;
  /**
   * Namespace of every object.
   * @default the chart's namespace, else DEFAULT_NAMESPACE
   */
  readonly namespace?: string;
  /** SSH access to the guests; without it no user is created (the image's default user stays). */
  readonly ssh?: CloudUser;
  /**
   * Size of the data disk of storage-backed workloads (disk, database, chaos-disk), a quantity.
   * @default '10Gi'
   */
  readonly dataDiskSize?: string;
}

/** A systemd unit installed as `/etc/systemd/system/<name>` and enabled with `--now`. */
export interface UnitFile {
  /** File name, e.g. `virtwork-cpu.service`. */
  readonly name: string;
  /** Unit text (see renderUnit). */
  readonly content: string;
}

/** What the VMs of one role run. */
export interface RoleSpec {
  /** Role name of a multi-role workload; undefined for single-role workloads. */
  readonly role?: string;
  /** Packages to install. */
  readonly packages?: readonly string[];
  /** Scripts and configuration files, written before the units. */
  readonly files?: readonly WriteFile[];
  /** systemd units, written last and enabled with `--now`. */
  readonly units: readonly UnitFile[];
  /** Commands run before `systemctl daemon-reload` (e.g. data disk setup). */
  readonly setup?: readonly (readonly string[])[];
  /** Commands run after `daemon-reload` and before the units are enabled. */
  readonly beforeEnable?: readonly (readonly string[])[];
  /** Data disks of every VM of this role. */
  readonly dataDisks?: readonly DataDisk[];
}

/**
 * Base of the workload constructs: resolves the common props once and turns role specs into VMs
 * named `virtwork-<workload>-<i>` (or `virtwork-<workload>-<role>-<i>`).
 */
export abstract class Workload extends Construct {
  /** Workload name (`app.kubernetes.io/component`). */
  public readonly workloadName: string;
  /** VMs per role. */
  public readonly vmCount: number;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Run id label value. */
  public readonly runId: string;
  /** Size of the data disk of storage-backed workloads. */
  public readonly dataDiskSize: string;
  /** Every VM of the workload, in role then index order. */
  public readonly vms: VirtualMachine[] = [];
  private readonly common: WorkloadProps;

  protected constructor(scope: Construct, id: string, workloadName: string, props: WorkloadProps) {
    super(scope, id);
    this.workloadName = workloadName;
    this.common = props;
    this.vmCount = checkInt(`${workloadName}: vmCount`, props.vmCount ?? 1, 1, 1000);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE;
    this.runId = props.runId ?? DEFAULT_RUN_ID;
    this.dataDiskSize = checkQuantity(`${workloadName}: dataDiskSize`, props.dataDiskSize ?? '10Gi');
  }

  /** Adds `count` VMs (default: vmCount) that run `spec`, numbered from `first` (default 0). */
  protected addRole(spec: RoleSpec, count = this.vmCount, first = 0): VirtualMachine[] {
    const userData = renderCloudConfig(this.cloudConfig(spec));
    const added: VirtualMachine[] = [];
    for (let i = first; i < first + count; i++) {
      const name = vmName(this.workloadName, i, spec.role);
      const vm = new VirtualMachine(this, name, {
        name,
        workload: this.workloadName,
        role: spec.role,
        runId: this.runId,
        namespace: this.namespace,
        userData,
        cpuCores: this.common.cpuCores,
        memory: this.common.memory,
        image: this.common.image,
        dataDisks: spec.dataDisks,
      });
      added.push(vm);
    }
    this.vms.push(...added);
    return added;
  }

  /** The cloud-config of one role: packages, files then units, setup, daemon-reload, enable --now. */
  protected cloudConfig(spec: RoleSpec): CloudConfig {
    return {
      user: this.common.ssh,
      packages: spec.packages,
      writeFiles: [
        ...(spec.files ?? []),
        ...spec.units.map((u) => ({ path: `/etc/systemd/system/${u.name}`, content: u.content, permissions: '0644' })),
      ],
      runcmd: [
        ...(spec.setup ?? []),
        ['systemctl', 'daemon-reload'],
        ...(spec.beforeEnable ?? []),
        ...spec.units.map((u) => ['systemctl', 'enable', '--now', u.name]),
      ],
    };
  }
}
