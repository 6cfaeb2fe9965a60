import { Construct } from 'constructs';
import { ParamSchema } from '../core/params';
import { ChaosDiskWorkload } from './chaos-disk';
import { ChaosNetworkWorkload } from './chaos-network';
import { ChaosProcessWorkload } from './chaos-process';
import { CpuWorkload } from './cpu';
import { DatabaseWorkload } from './database';
import { DiskWorkload } from './disk';
import { MemoryWorkload } from './memory';
import { NetworkWorkload } from './network';
import { StorageBenchWorkload } from './storage-bench';
import { TpsWorkload } from './tps';
import { Workload, WorkloadProps } from './_workload';

/** A workload construct class as the CLI and the app use it: name, params and constructor. */
export interface WorkloadClass {
  readonly workloadName: string;
  readonly params: ParamSchema<any>;
  new (scope: Construct, id: string, props?: WorkloadProps & { params?: Record<string, unknown> }): Workload;
}

/** Built-in workloads by name. */
export const BUILTIN_WORKLOADS: Readonly<Record<string, WorkloadClass>> = {
  cpu: CpuWorkload,
  memory: MemoryWorkload,
  disk: DiskWorkload,
  database: DatabaseWorkload,
  network: NetworkWorkload,
  tps: TpsWorkload,
  'chaos-disk': ChaosDiskWorkload,
  'chaos-network': ChaosNetworkWorkload,
  'chaos-process': ChaosProcessWorkload,
  'storage-bench': StorageBenchWorkload,
};

/** Workloads synthesized when the configuration selects none: light, safe load (chaos workloads are never default; add others with --workloads or workloads.<name>.enabled). */
export const DEFAULT_WORKLOADS: readonly string[] = ['cpu', 'memory'];
