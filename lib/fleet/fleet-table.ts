import type { FleetConfig } from './fleet-config';

/** One row of the fleets table: an instance with its share or cell, its count and the VMs it synthesizes. */
export interface FleetRow {
  /** Fleet name. */
  readonly fleet: string;
  /** Instance name. */
  readonly instance: string;
  /** Workload type. */
  readonly workload: string;
  /** `70.0%` for a mix member, `size=large, …` for a matrix cell. */
  readonly share: string;
  /** vm-count of the instance (VMs per role). */
  readonly count: number;
  /** VMs it synthesizes, every role counted (a mix's sum to its vm-count). */
  readonly vms: number;
}

/** The rows of the fleets of a configuration; `vmsOf` gives the VMs an instance synthesized (default: the fleet's figure). */
export function fleetRows(fleets: readonly FleetConfig[], vmsOf: (instance: string) => number | undefined = () => undefined): FleetRow[] {
  return fleets.flatMap((f) => f.instances.map((i) => ({
    fleet: f.name,
    instance: i.instance,
    workload: i.workload,
    share: i.fraction !== undefined
      ? `${(i.fraction * 100).toFixed(1)}%`
      : Object.entries(i.cell ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '),
    count: i.count,
    vms: vmsOf(i.instance) ?? i.vms,
  })));
}

/**
 * A plain-text table of the rows, like `virtwork workloads` prints, with a total line per fleet: its VMs (the counts,
 * VMs per role, do not add up across workloads of different roles, so the total leaves COUNT empty).
 */
export function formatFleetRows(rows: readonly FleetRow[]): string {
  if (rows.length === 0) return 'no fleets\n';
  const table = [['FLEET', 'INSTANCE', 'WORKLOAD', 'SHARE / CELL', 'COUNT', 'VMS']];
  for (const f of [...new Set(rows.map((r) => r.fleet))]) {
    const of = rows.filter((r) => r.fleet === f);
    table.push(...of.map((r) => [r.fleet, r.instance, r.workload, r.share, String(r.count), String(r.vms)]));
    table.push([f, '(total)', '', '', '', String(of.reduce((a, r) => a + r.vms, 0))]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const numeric = (i: number) => i >= 4;
  return table.map((r) => r.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}
