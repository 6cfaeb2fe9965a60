import { KUBEVIRT_METRICS as M } from './kubevirt-metrics';
import { promDuration, promSelector } from './_promql';

/** Label matchers of a query: `namespace`, `name` (one VM or several) and any extra label. */
export type Matchers = Readonly<Record<string, string | readonly string[]>>;

/** One kind of signal: what it measures and the PromQL giving one value per VM (labels `namespace`, `name`). */
export interface SignalKind {
  /** What the value is, in a few words. */
  readonly description: string;
  /** Unit of the value, as shown in tables. */
  readonly unit: 'cores' | 'ratio' | 'ops/s' | 'bytes/s' | 'packets/s';
  /** Grafana unit id of the value. */
  readonly grafanaUnit: string;
  /** KubeVirt metrics the expression reads. */
  readonly metrics: readonly string[];
  /** PromQL of the per-VM value over a window of `windowSeconds`. */
  expr(matchers: Matchers, windowSeconds: number): string;
}

const BY_VM = 'sum by (namespace, name)';

/** A counter's per-second rate, summed per VM (over every drive or interface). */
function rateOf(metric: string, o: Pick<SignalKind, 'description' | 'unit' | 'grafanaUnit'>): SignalKind {
  return { ...o, metrics: [metric], expr: (m, w) => `${BY_VM} (rate(${metric}${promSelector(m)}[${promDuration(w)}]))` };
}

/**
 * Every kind of signal a workload may declare, by id. Storage and network kinds sum every drive or interface of the
 * VM, so the root disk and the data disk (or every NIC) count together.
 */
export const SIGNAL_KINDS = {
  'cpu-usage': rateOf(M.cpuUsageSeconds, { description: 'CPU time used per second (vCPU and hypervisor)', unit: 'cores', grafanaUnit: 'short' }),
  'memory-used-ratio': {
    description: 'share of guest memory in use (1 - usable / available), averaged over the window',
    unit: 'ratio',
    grafanaUnit: 'percentunit',
    metrics: [M.memoryUsableBytes, M.memoryAvailableBytes],
    expr: (m, w) => {
      const d = promDuration(w);
      return `1 - ${BY_VM} (avg_over_time(${M.memoryUsableBytes}${promSelector(m)}[${d}])) / ` +
        `${BY_VM} (avg_over_time(${M.memoryAvailableBytes}${promSelector(m)}[${d}]))`;
    },
  },
  'storage-read-iops': rateOf(M.storageIopsRead, { description: 'read operations per second, all drives', unit: 'ops/s', grafanaUnit: 'iops' }),
  'storage-write-iops': rateOf(M.storageIopsWrite, { description: 'write operations per second, all drives', unit: 'ops/s', grafanaUnit: 'iops' }),
  'storage-read-bytes': rateOf(M.storageReadBytes, { description: 'bytes read per second, all drives', unit: 'bytes/s', grafanaUnit: 'Bps' }),
  'storage-write-bytes': rateOf(M.storageWriteBytes, { description: 'bytes written per second, all drives', unit: 'bytes/s', grafanaUnit: 'Bps' }),
  'network-receive-bytes': rateOf(M.networkReceiveBytes, { description: 'bytes received per second, all interfaces', unit: 'bytes/s', grafanaUnit: 'Bps' }),
  'network-transmit-bytes': rateOf(M.networkTransmitBytes, { description: 'bytes sent per second, all interfaces', unit: 'bytes/s', grafanaUnit: 'Bps' }),
  'network-receive-packets': rateOf(M.networkReceivePackets, { description: 'packets received per second, all interfaces', unit: 'packets/s', grafanaUnit: 'pps' }),
  'network-transmit-packets': rateOf(M.networkTransmitPackets, { description: 'packets sent per second, all interfaces', unit: 'packets/s', grafanaUnit: 'pps' }),
  'filesystem-peak-used-ratio': {
    description: 'highest share of a guest filesystem in use during the window (guest agent)',
    unit: 'ratio',
    grafanaUnit: 'percentunit',
    metrics: [M.filesystemUsedBytes, M.filesystemCapacityBytes],
    expr: (m, w) => {
      const d = promDuration(w);
      return `max by (namespace, name) (max_over_time(${M.filesystemUsedBytes}${promSelector(m)}[${d}]) / ` +
        `max_over_time(${M.filesystemCapacityBytes}${promSelector(m)}[${d}]))`;
    },
  },
} as const satisfies Record<string, SignalKind>;

/** The id of a signal kind. */
export type SignalKindId = keyof typeof SIGNAL_KINDS;

/** Every signal kind id, in table order. */
export const SIGNAL_KIND_IDS = Object.keys(SIGNAL_KINDS) as SignalKindId[];
