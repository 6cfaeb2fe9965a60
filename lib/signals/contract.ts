import { sizeBytes } from '../core/params';
import { SignalKindId } from './signal-kinds';
import { formatNumber } from './_promql';

/** Name of the ConfigMap holding the run's signal contract, which `virtwork-apply check-signals` reads. */
export const CONTRACT_CONFIGMAP = 'virtwork-signals-contract';
/** Key of the contract in its ConfigMap. */
export const CONTRACT_FILE = 'contract.json';

/**
 * Share of the level a workload's params imply that a signal must reach to count as moving. The levels are lower
 * bounds already (one I/O per fio job per second, one iperf3 buffer per stream per second, …); halving them leaves
 * room for boot, phase changes inside the window and scrape jitter while a flat series still fails.
 */
export const EXPECTED_SHARE = 0.5;
/** Shortest rate window: four scrapes at KubeVirt's default ServiceMonitor interval (30 s) plus room for misses. */
export const MIN_WINDOW_SECONDS = 300;

/** What a workload's signal table reads: its resolved params and the VM size. */
export interface SignalContext {
  /** Params with defaults filled in (the construct's `resolvedParams`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Guest CPU cores; undefined when an instancetype sizes the VM (then 1 core is assumed). */
  readonly cpuCores?: number;
}

/** One series a workload's VMs must move (or, for `min: undefined`, must at least export). */
export interface ExpectedSignal {
  /** Which kind of signal (see SIGNAL_KINDS). */
  readonly kind: SignalKindId;
  /** Only the VMs of this role; undefined: every VM of the workload. */
  readonly role?: string;
  /** Lowest value that counts as moving, in the kind's unit; undefined: the series only has to exist. */
  readonly min?: number;
  /** Rate / average window. */
  readonly windowSeconds: number;
  /** Extra label matchers (e.g. the mount point of a filesystem). */
  readonly matchers?: Readonly<Record<string, string>>;
  /** How `min` follows from the params, in words (docs, tables, alert text). */
  readonly basis: string;
  /** The load stops after this many seconds (a finite benchmark): a flat series after that is expected. */
  readonly activeSeconds?: number;
}

/** Builds one workload's expected signals from its params. */
export type SignalTable = (ctx: SignalContext) => readonly ExpectedSignal[];

const int = (ctx: SignalContext, key: string): number => ctx.params[key] as number;
/** A window covering two load cycles of `cycleSeconds`, whole minutes, at least MIN_WINDOW_SECONDS. */
export function windowFor(cycleSeconds: number): number {
  return Math.max(MIN_WINDOW_SECONDS, Math.ceil((2 * cycleSeconds) / 60) * 60);
}
const share = (level: number): number => Number((EXPECTED_SHARE * level).toPrecision(6));
const pct = `${EXPECTED_SHARE * 100}%`;

// Pauses and fixed job counts of the workload scripts (lib/workloads/*.ts); test/signals/contract.test.ts reads them
// back from the synthesized units, so a change there fails until it is made here too.
/** disk: `sleep 10` after each fio profile; the sequential profile runs 2 jobs. */
export const DISK_PAUSE_SECONDS = 10;
export const DISK_SEQ_JOBS = 2;
/** database: `sleep 10` between pgbench runs. */
export const DATABASE_PAUSE_SECONDS = 10;
/** network: `sleep 10` between iperf3 tests; iperf3's default TCP buffer is 128 KiB. */
export const NETWORK_PAUSE_SECONDS = 10;
export const IPERF3_BUFFER_BYTES = 128 * 1024;
/** tps: 2 s after every netperf test and HTTP phase, 30 s between cycles. */
export const TPS_STEP_PAUSE_SECONDS = 2;
export const TPS_CYCLE_PAUSE_SECONDS = 30;

const READ_PROFILES = ['randread', 'randrw', 'read', 'rw'];
const WRITE_PROFILES = ['randwrite', 'randrw', 'write', 'rw'];

/**
 * The signal contract of every built-in workload, keyed by workload name: which KubeVirt series its VMs must move and
 * the floor each must reach, derived from the workload's params. docs/signals.md is generated from this table.
 */
export const SIGNAL_TABLES: Readonly<Record<string, SignalTable>> = {
  cpu: (ctx) => {
    const cores = ctx.cpuCores ?? 1;
    const load = int(ctx, 'cpu-load-percent');
    return [{
      kind: 'cpu-usage', min: share((cores * load) / 100), windowSeconds: MIN_WINDOW_SECONDS,
      basis: `${pct} of ${cores} cores × cpu-load-percent ${load}%${ctx.cpuCores === undefined ? ' (instancetype: 1 core assumed)' : ''}`,
    }];
  },
  memory: (ctx) => {
    const percent = int(ctx, 'memory-percent');
    return [{
      kind: 'memory-used-ratio', min: share(percent / 100), windowSeconds: MIN_WINDOW_SECONDS,
      basis: `${pct} of memory-percent ${percent}%`,
    }];
  },
  disk: (ctx) => {
    const runtime = int(ctx, 'runtime');
    const jobs = int(ctx, 'numjobs');
    const rwmixread = int(ctx, 'rwmixread');
    const cycle = 2 * (runtime + DISK_PAUSE_SECONDS);
    const windowSeconds = windowFor(cycle);
    const signals: ExpectedSignal[] = [];
    if (rwmixread > 0) {
      signals.push({
        kind: 'storage-read-iops', min: share((jobs * runtime) / cycle), windowSeconds,
        basis: `${pct} of 1 I/O per second for each of numjobs ${jobs} during the mixed profile (runtime ${runtime}s of a ${cycle}s cycle)`,
      });
    }
    const writers = (rwmixread < 100 ? jobs : 0) + DISK_SEQ_JOBS;
    signals.push({
      kind: 'storage-write-iops', min: share((writers * runtime) / cycle), windowSeconds,
      basis: `${pct} of 1 I/O per second for each of ${rwmixread < 100 ? `numjobs ${jobs} (mixed) + ` : ''}${DISK_SEQ_JOBS} sequential jobs, ` +
        `each profile runtime ${runtime}s of a ${cycle}s cycle`,
    });
    return signals;
  },
  database: (ctx) => {
    const clients = int(ctx, 'clients');
    const duration = int(ctx, 'duration');
    const cycle = duration + DATABASE_PAUSE_SECONDS;
    return [{
      kind: 'storage-write-iops', min: share((clients * duration) / cycle), windowSeconds: windowFor(cycle),
      basis: `${pct} of 1 WAL write per second for each of clients ${clients} (pgbench commits), duration ${duration}s of a ${cycle}s cycle`,
    }];
  },
  network: (ctx) => {
    const streams = int(ctx, 'parallel-streams');
    const test = int(ctx, 'test-duration');
    const cycle = test + NETWORK_PAUSE_SECONDS;
    const min = share((streams * IPERF3_BUFFER_BYTES * test) / cycle);
    const basis = `${pct} of one 128 KiB iperf3 buffer per second for each of parallel-streams ${streams} (--bidir), test-duration ${test}s of a ${cycle}s cycle`;
    const windowSeconds = windowFor(cycle);
    return ['server', 'client'].flatMap((role) => (['network-receive-bytes', 'network-transmit-bytes'] as const)
      .map((kind) => ({ kind, role, min, windowSeconds, basis })));
  },
  tps: (ctx) => {
    const iterations = int(ctx, 'iterations');
    const duration = int(ctx, 'duration');
    const fileSize = ctx.params['file-size'] as string;
    const fileBytes = sizeBytes(fileSize) ?? 0;
    const phase = iterations * (duration + TPS_STEP_PAUSE_SECONDS);
    const cycle = 2 * phase + TPS_CYCLE_PAUSE_SECONDS;
    const windowSeconds = windowFor(cycle);
    const bytes = share((iterations * fileBytes) / cycle);
    const basis = `${pct} of one file-size ${fileSize} download per HTTP iteration (iterations ${iterations}) in a ${cycle}s cycle`;
    return [
      { kind: 'network-receive-bytes', role: 'client', min: bytes, windowSeconds, basis },
      { kind: 'network-transmit-bytes', role: 'server', min: bytes, windowSeconds, basis },
      {
        kind: 'network-transmit-packets', role: 'client', min: share((iterations * duration) / cycle), windowSeconds,
        basis: `${pct} of 1 netperf TCP_RR transaction per second for iterations ${iterations} × duration ${duration}s in a ${cycle}s cycle`,
      },
    ];
  },
  'chaos-disk': (ctx) => {
    const fill = int(ctx, 'fill-percent');
    const cycle = int(ctx, 'fill-sleep') + int(ctx, 'release-sleep');
    return [{
      kind: 'filesystem-peak-used-ratio', matchers: { mount_point: ctx.params.mount as string }, min: share(fill / 100), windowSeconds: windowFor(cycle),
      basis: `${pct} of fill-percent ${fill}% of the data disk at ${String(ctx.params.mount)} (fallocate writes no data: the filesystem fill level is the signal)`,
    }];
  },
  'chaos-network': () => [{
    kind: 'network-receive-packets', windowSeconds: MIN_WINDOW_SECONDS,
    basis: 'present: netem drops and delays packets inside the guest, before they reach the vNIC that KubeVirt counts, so no KubeVirt series shows the impairment; the VM must keep exporting network series',
  }],
  'chaos-process': () => [{
    kind: 'cpu-usage', windowSeconds: MIN_WINDOW_SECONDS,
    basis: 'present: KubeVirt exports no guest process restarts; the VM must survive the kills and keep exporting CPU series',
  }],
  'storage-bench': (ctx) => {
    const profiles = ctx.params.profiles as readonly string[];
    const blockSizes = ctx.params['block-sizes'] as readonly string[];
    const runtime = int(ctx, 'runtime');
    const ramp = int(ctx, 'ramp-time');
    const jobs = int(ctx, 'numjobs');
    const activeSeconds = profiles.length * blockSizes.length * (runtime + ramp);
    const windowSeconds = MIN_WINDOW_SECONDS;
    const basis = (what: string) => `${pct} of 1 I/O per second for each of numjobs ${jobs} while a ${what} profile runs; ` +
      `the matrix (${profiles.length} profiles × ${blockSizes.length} block sizes × ${runtime + ramp}s) ends after ${activeSeconds}s`;
    const out: ExpectedSignal[] = [];
    if (profiles.some((p) => READ_PROFILES.includes(p))) {
      out.push({ kind: 'storage-read-iops', min: share(jobs * readShare(profiles, READ_PROFILES)), windowSeconds, basis: basis('read'), activeSeconds });
    }
    if (profiles.some((p) => WRITE_PROFILES.includes(p))) {
      out.push({ kind: 'storage-write-iops', min: share(jobs * readShare(profiles, WRITE_PROFILES)), windowSeconds, basis: basis('write'), activeSeconds });
    }
    return out;
  },
};

/** Share of the matrix's profiles that do I/O of one direction. */
function readShare(profiles: readonly string[], direction: readonly string[]): number {
  return profiles.filter((p) => direction.includes(p)).length / profiles.length;
}

/** A threshold as text with its unit, e.g. `0.5 cores`, `65.5 KiB/s`. */
export function describeMin(min: number | undefined, unit: string): string {
  if (min === undefined) return 'present';
  if (unit === 'bytes/s') {
    const [n, u] = min >= 1024 ** 2 ? [min / 1024 ** 2, 'MiB/s'] : min >= 1024 ? [min / 1024, 'KiB/s'] : [min, 'B/s'];
    return `≥ ${formatNumber(n)} ${u}`;
  }
  if (unit === 'ratio') return `≥ ${formatNumber(min * 100)}%`;
  return `≥ ${formatNumber(min)} ${unit}`;
}
