import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CloudConfig, CloudUser, WriteFile, renderCloudConfig } from '../guest/cloud-init';
import { VirtualMachineSpecTemplateSpecAccessCredentials } from '../../imports/kubevirt.io';
import { checkInstanceName, instanceServiceName, vmName } from '../core/names';
import { pairedServiceName } from '../vm/service';
import { registerAppChecks } from '../vm/unique-objects';
import { checkInt, checkQuantity } from '../core/quantity';
import { paramsHash } from '../vm/provenance';
import { DEFAULT_NAMESPACE, DEFAULT_RUN_ID, DataDisk, VirtualMachine } from '../vm/virtual-machine';
import { VmOptions, checkVmOptions, pickVmOptions } from '../vm/vm-options';
import { MigrationSelection, VirtualMachineMigration, migrationIndices } from '../vm/migration';
import { DEFAULT_GUEST_FAMILY, GuestFamily, familyAptSources, familyPackageServices, familyPackages } from '../guest/guest-family';
import { GUEST_AGENT_PACKAGE, guestAgentRuncmd } from '../vm/readiness';
import { HEALTH_PROBE, ReadinessCheck, guestHealth } from '../guest/health-responder';

/** Props every workload accepts: its own, plus every VM option (size, storage, placement, power, secrets). */
export interface WorkloadProps extends VmOptions {
  /**
   * Instance name: the VMs are `virtwork-<name>-<i>` (`virtwork-<name>-<role>-<i>`), the Services, DataVolumes
   * and cross-VM host names follow it, and every object is labelled `virtwork/instance: <name>` unless the name is
   * the workload type's (then the names and labels are the configuration's defaults: `virtwork-cpu-0`, …).
   * A DNS-1123 label of at most 50 characters.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * VMs per role (single-role workloads: VMs in all).
   * @default 1
   */
  readonly vmCount?: number;
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
   * KubeVirt access credentials of every VM: SSH keys or passwords kept in existing Secrets (see sshAccessCredentials).
   * @default none
   */
  readonly accessCredentials?: readonly VirtualMachineSpecTemplateSpecAccessCredentials[];
  /**
   * Size of the data disk of storage-backed workloads (disk, database, chaos-disk), a quantity.
   * @default '10Gi'
   */
  readonly dataDiskSize?: string;
  /**
   * Give every VM a VMI readiness probe (an HTTP GET answered by virtwork's health responder in the guest) that
   * succeeds only while the workload's load flows: every heartbeat of its loops fresh, its servers listening (so the
   * VMI's Ready condition means the load runs; see docs/workloads.md for what each workload checks).
   * @default true
   */
  readonly readinessProbe?: boolean;
  /**
   * Live-migrate VMs once they run: a VirtualMachineInstanceMigration for every VM (`'all'`) or for the VMs of
   * these indices (in every role). Under GitOps it is a PostSync hook (Argo CD) / created once (Flux).
   * @default no migration
   */
  readonly migrate?: MigrationSelection;
}

/** A systemd unit installed as `/etc/systemd/system/<name>` and enabled with `--now`. */
export interface UnitFile {
  /** File name, e.g. `virtwork-cpu.service`. */
  readonly name: string;
  /** Unit text (see renderUnit). */
  readonly content: string;
  /**
   * Enable and start with `--no-block`, so that cloud-init does not wait for it (long-running oneshot units).
   * @default false
   */
  readonly noBlock?: boolean;
}

/** What the VMs of one role run. */
export interface RoleSpec {
  /** Role name of a multi-role workload; undefined for single-role workloads. */
  readonly role?: string;
  /** Packages to install, named as Fedora names them (GUEST_FAMILY_TABLE translates them for other families). */
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
  /**
   * What must hold for the VM to be ready (the health responder's checks: heartbeats of the loops, listening
   * servers, finished jobs, active units).
   * @default every unit of `units` active
   */
  readonly readiness?: readonly ReadinessCheck[];
}

/**
 * Base of the workload constructs: resolves the common props once and turns role specs into VMs
 * named `virtwork-<instance>-<i>` (or `virtwork-<instance>-<role>-<i>`), the instance being the construct id
 * unless the `name` prop gives another.
 */
export abstract class Workload extends Construct {
  /** Workload name, the type (`app.kubernetes.io/component`). */
  public readonly workloadName: string;
  /** Instance name: the `name` prop, else the construct id (`virtwork/instance` unless it is the type's name). */
  public readonly instanceName: string;
  /** VMs per role. */
  public readonly vmCount: number;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Run id label value. */
  public readonly runId: string;
  /** Size of the data disk of storage-backed workloads. */
  public readonly dataDiskSize: string;
  /** The VM options every VM of the workload gets (checked once, in the constructor). */
  public readonly vmOptions: VmOptions;
  /** Whether the VMs carry the guest-agent readiness probe. */
  public readonly readinessProbe: boolean;
  /** Guest OS family the user-data is written for. */
  public readonly guestFamily: GuestFamily;
  /** Every VM of the workload, in role then index order. */
  public readonly vms: VirtualMachine[] = [];
  /** The live migrations requested with `migrate`. */
  public readonly migrations: VirtualMachineMigration[] = [];
  private readonly common: WorkloadProps;
  private readonly migrateIndices: readonly number[];

  protected constructor(scope: Construct, id: string, workloadName: string, props: WorkloadProps) {
    super(scope, id);
    this.workloadName = workloadName;
    this.instanceName = checkInstanceName(this.node.path, props.name ?? id, props.name === undefined);
    registerAppChecks(this);
    this.common = props;
    this.vmCount = checkInt(`${workloadName}: vmCount`, props.vmCount ?? 1, 1, 1000);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE;
    this.runId = props.runId ?? DEFAULT_RUN_ID;
    this.dataDiskSize = checkQuantity(`${workloadName}: dataDiskSize`, props.dataDiskSize ?? '10Gi');
    this.vmOptions = checkVmOptions(workloadName, pickVmOptions(props));
    this.readinessProbe = props.readinessProbe ?? true;
    this.guestFamily = this.vmOptions.guestFamily ?? DEFAULT_GUEST_FAMILY;
    this.migrateIndices = migrationIndices(workloadName, props.migrate, this.vmCount);
  }

  /**
   * The workload's params as resolved (defaults filled in), through the class's static `params` schema; a
   * workload without one reports its raw params. Used for the provenance hash.
   */
  public get resolvedParams(): Readonly<Record<string, unknown>> {
    const raw = (this.common as { params?: Readonly<Record<string, unknown>> }).params;
    const schema = (this.constructor as { params?: { resolve(input: unknown, where: string): Record<string, unknown> } }).params;
    return schema ? schema.resolve(raw, `${this.workloadName}.params`) : (raw ?? {});
  }

  /** Hash of the workload name and its resolved params (see provenance). */
  public get paramsHash(): string {
    return paramsHash(this.workloadName, this.resolvedParams);
  }

  /** Adds `count` VMs (default: vmCount) that run `spec`, numbered from `first` (default 0). */
  protected addRole(spec: RoleSpec, count = this.vmCount, first = 0): VirtualMachine[] {
    const userData = renderCloudConfig(this.cloudConfig(spec));
    const added: VirtualMachine[] = [];
    for (let i = first; i < first + count; i++) {
      const name = vmName(this.instanceName, i, spec.role);
      const vm = new VirtualMachine(this, name, {
        name,
        workload: this.workloadName,
        instance: this.instanceName,
        role: spec.role,
        runId: this.runId,
        namespace: this.namespace,
        userData,
        ...this.vmOptions,
        dataDisks: spec.dataDisks,
        accessCredentials: this.common.accessCredentials,
        readinessProbe: this.readinessProbe ? HEALTH_PROBE : undefined,
      });
      added.push(vm);
      if (this.migrateIndices.includes(i)) {
        this.migrations.push(new VirtualMachineMigration(this, `${name}-migration`, { vmName: name, namespace: vm.namespace, labels: vm.labels }));
      }
    }
    this.vms.push(...added);
    return added;
  }

  /**
   * Name of this instance's Service for server `index` (see instanceServiceName and pairedServiceName):
   * `reference` (e.g. `virtwork-iperf3-server`) for the instance named after its type, else
   * `virtwork-<instance>-<suffix>`; `-<index>` appended for index ≥ 1. Clients compute their server's host name
   * from this same name, so two instances never reach each other's servers.
   */
  protected serviceName(reference: string, suffix?: string, index = 0): string {
    return pairedServiceName(instanceServiceName({ workload: this.workloadName, instance: this.instanceName, reference, suffix }), index);
  }

  /**
   * The cloud-config of one role: packages (and the guest agent), files then units, guest agent start, setup,
   * daemon-reload, enable --now.
   */
  protected cloudConfig(spec: RoleSpec): CloudConfig {
    const where = spec.role ? `${this.workloadName} (role ${spec.role})` : this.workloadName;
    const packages = familyPackages(where, this.guestFamily, [...(spec.packages ?? []), GUEST_AGENT_PACKAGE]);
    const checks = spec.readiness ?? spec.units.map((u) => ({ kind: 'unit' as const, name: u.name, unit: u.name }));
    const health = guestHealth(where, checks, this.readinessProbe);
    const units = [...health.units, ...spec.units];
    return {
      user: this.common.ssh,
      // a golden image has them all (see `virtwork image build`): no package step (names still checked for the family)
      packages: this.vmOptions.packagesPreinstalled ? [] : packages,
      apt: this.vmOptions.packagesPreinstalled ? undefined : familyAptSources(this.guestFamily, spec.packages ?? []),
      writeFiles: [
        ...health.files,
        ...(spec.files ?? []),
        ...units.map((u) => ({ path: `/etc/systemd/system/${u.name}`, content: u.content, permissions: '0644' })),
      ],
      runcmd: [
        ...guestAgentRuncmd(this.guestFamily),
        // stop, then disable: `disable --now` of a SysV service (Debian's netperf) only disables it, the daemon runs on
        ...familyPackageServices(this.guestFamily, spec.packages ?? []).flatMap((svc) => [['systemctl', 'stop', svc], ['systemctl', 'disable', svc]]),
        ...(spec.setup ?? []),
        ...health.runcmd,
        ['systemctl', 'daemon-reload'],
        ...(spec.beforeEnable ?? []),
        ...units.map((u) => ['systemctl', 'enable', '--now', ...((u as UnitFile).noBlock ? ['--no-block'] : []), u.name]),
      ],
    };
  }
}
