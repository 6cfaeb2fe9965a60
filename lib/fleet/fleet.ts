import { Construct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { checkInstanceName } from '../core/names';
import type { WorkloadClass } from '../workloads/_registry';
import type { Workload, WorkloadProps } from '../workloads/_workload';
import { MatrixAxis, matrixCells } from './matrix';
import { MAX_INSTANCE_VMS, Share, mixCounts } from './mix';
import { vmsPerCount } from './_vms-per-count';

/** Props of one fleet instance: any workload's props, params included, but not its name or count (the fleet sets them). */
export type FleetInstanceProps = Omit<WorkloadProps, 'name' | 'vmCount'> & { readonly params?: Readonly<Record<string, unknown>> };

/** One member of a mix. */
export interface FleetMember {
  /** Member name: the instance is `<fleet>-<name>`. */
  readonly name: string;
  /** Workload class, e.g. CpuWorkload (or a catalogWorkloadClass). */
  readonly workload: WorkloadClass;
  /** Share of the fleet's VMs: a percentage (`'70%'`, all members summing to 100%) or a weight (`7`). */
  readonly share: Share;
  /** Props of this member (they win over the fleet's `defaults`). */
  readonly props?: FleetInstanceProps;
}

/**
 * A mix: `vmCount` VMs split between members by share, VM-exact (largest remainder in whole counts; see mixCounts).
 * Shares count VMs: a network or tps member gets whole server/client pairs, so 20% of 50 VMs is 5 pairs (10 VMs).
 */
export interface FleetMix {
  /** VMs in all, exactly: the members' VMs sum to it (every role's VMs counted). */
  readonly vmCount: number;
  /** Members, in order (ties in rounding go to the earlier member). */
  readonly members: readonly FleetMember[];
}

/** A matrix: one workload over the cartesian product of prop values, each cell an instance. */
export interface FleetMatrix {
  /** Workload class of every cell. */
  readonly workload: WorkloadClass;
  /**
   * vmCount of each cell, as a workload's: VMs per role (a network cell of 2 is 2 server/client pairs, 4 VMs).
   * @default 1
   */
  readonly vmCount?: number;
  /**
   * Axes, in order: a prop name (`size`, `instancetype`, `dataDisk`, `dataDiskSize`, …) or `params.<key>`, with the
   * values it takes. Cells are named from their values: `<fleet>-<value>-<value>` (see valueName).
   */
  readonly axes: Readonly<Record<string, readonly unknown[]>>;
}

/** Props of {@link Fleet}: a mix or a matrix. */
export interface FleetProps {
  /** Props of every instance (a member's or cell's own win; objects such as `params` and `dataDisk` are merged). */
  readonly defaults?: FleetInstanceProps;
  /** A mix of workloads by share; give either `mix` or `matrix`. */
  readonly mix?: FleetMix;
  /** A matrix of one workload over prop values; give either `mix` or `matrix`. */
  readonly matrix?: FleetMatrix;
  /**
   * Prefix of the instance names.
   * @default the construct id
   */
  readonly name?: string;
}

/** One instance of a fleet, as `virtwork synth` prints it. */
export interface FleetInstance {
  /** Instance name (`<fleet>-<member>` or `<fleet>-<cell>`). */
  readonly instance: string;
  /** Workload type. */
  readonly workload: string;
  /** A mix member's share of the fleet (0 to 1); undefined for a matrix cell. */
  readonly fraction?: number;
  /** A matrix cell's values by axis key; undefined for a mix member. */
  readonly cell?: Readonly<Record<string, unknown>>;
  /** vmCount of the instance (VMs per role). */
  readonly count: number;
  /** VMs the instance synthesizes, every role counted (a mix's sum to its vmCount). */
  readonly vms: number;
}

/**
 * A load fleet: a mix (`vmCount` VMs split by share between several workloads) or a matrix (one workload over the
 * cartesian product of prop values), expanded into one workload instance per member or cell. Deterministic: the same
 * props give the same instances, and adding a cell or raising a count adds or changes only the objects it must.
 *
 * ```ts
 * new Fleet(chart, 'mixed', { mix: { vmCount: 50, members: [
 *   { name: 'light', workload: CpuWorkload, share: '70%', props: { params: { 'cpu-load-percent': 30 } } },
 *   { name: 'web', workload: TpsWorkload, share: '20%' },
 *   { name: 'db', workload: DatabaseWorkload, share: '10%' },
 * ] } });
 * ```
 */
export class Fleet extends Construct {
  /** Prefix of the instance names. */
  public readonly fleetName: string;
  /** The workload instances, in member or cell order. */
  public readonly workloads: Workload[] = [];
  /** One row per instance: name, workload, share or cell, count and VMs. */
  public readonly instances: FleetInstance[] = [];

  public constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    const where = this.node.path;
    this.fleetName = checkInstanceName(where, props.name ?? id, props.name === undefined);
    if ((props.mix === undefined) === (props.matrix === undefined)) throw new VirtworkError(`${where}: give either mix or matrix`);
    if (props.mix) {
      const members = props.mix.members.map((m) => ({ ...m, workload: m.workload.workloadName, vms: vmsPerCount(m.workload) }));
      const counts = mixCounts(where, props.mix.vmCount, members);
      props.mix.members.forEach((m, i) => {
        this.add(m.name, m.workload, merge(props.defaults ?? {}, m.props ?? {}), counts[i].count, { fraction: counts[i].fraction });
      });
    } else {
      const matrix = props.matrix!;
      const vmCount = matrix.vmCount ?? 1;
      if (!Number.isInteger(vmCount) || vmCount < 1 || vmCount > MAX_INSTANCE_VMS) {
        throw new VirtworkError(`${where}: matrix.vmCount must be an integer from 1 to ${MAX_INSTANCE_VMS}, got ${show(vmCount)}`);
      }
      const axes: MatrixAxis[] = Object.entries(matrix.axes).map(([key, values]) => ({ key, values }));
      const shape = vmsPerCount(matrix.workload);
      const cellVms = shape.fixed + shape.perCount * vmCount;
      for (const cell of matrixCells(`${where}: matrix.axes`, axes, cellVms)) {
        let cellProps: Record<string, unknown> = { ...(props.defaults ?? {}) };
        for (const [key, value] of cell.values) cellProps = merge(cellProps, key.startsWith('params.') ? { params: { [key.slice(7)]: value } } : { [key]: value });
        this.add(cell.name, matrix.workload, cellProps, vmCount, { cell: Object.fromEntries(cell.values) });
      }
    }
  }

  private add(suffix: string, cls: WorkloadClass, props: Record<string, unknown>, count: number, extra: Pick<FleetInstance, 'fraction' | 'cell'>): void {
    const instance = `${this.fleetName}-${suffix}`;
    const workload = new cls(this, suffix, { ...props, name: instance, vmCount: count });
    this.workloads.push(workload);
    this.instances.push({ instance, workload: cls.workloadName, ...extra, count, vms: workload.vms.length });
  }
}

/** `over` on top of `base`, plain objects (params, dataDisk, …) merged one level deep. */
function merge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(v) && isPlain(b) ? { ...b, ...v } : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}
