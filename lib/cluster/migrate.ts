import * as k8s from '@kubernetes/client-node';
import { VirtworkError, show } from '../core/errors';
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_NAME, LABEL_ROLE, LABEL_RUN_ID, MANAGED_BY } from '../core/labels';
import { didYouMean } from '../core/_suggest';
import { httpStatus } from './_errors';
import { CancelledError } from './_cancelled';
import { VIRTUAL_MACHINE_INSTANCE, VIRTUAL_MACHINE_INSTANCE_MIGRATION } from './kinds';
import type { Cluster } from './kubeconfig';
import { listWatch } from './list-watch';
import { call, listAll, RequestOptions } from './requests';

/** Labels copied from a VMI onto the migration virtwork creates for it (so cleanup and status find it). */
const COPIED_LABELS = [LABEL_MANAGED_BY, LABEL_NAME, LABEL_COMPONENT, LABEL_RUN_ID, LABEL_ROLE];

/** Options of {@link migrateVms}. */
export interface MigrateOptions extends RequestOptions {
  /** Namespace of the VMs. */
  readonly namespace: string;
  /** Only VMs of this run. */
  readonly runId?: string;
  /** Only VMs of this workload (`app.kubernetes.io/component`). */
  readonly workload?: string;
  /**
   * Only these VMs (each must be a running virtwork VM of the namespace, else nothing is migrated).
   * @default every running virtwork VM that matches the other filters
   */
  readonly vms?: readonly string[];
  /** Wait until every migration succeeded or failed, at most this long (milliseconds); without it, return once requested. */
  readonly waitMs?: number;
  /**
   * Clock, in milliseconds (names the migrations).
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What became of one VM. */
export interface MigrationOutcome {
  /** VM (and VMI) name. */
  readonly vm: string;
  /** `app.kubernetes.io/component`, or `-`. */
  readonly workload: string;
  /** `virtwork/role`, or `-`. */
  readonly role: string;
  /** Name of the VirtualMachineInstanceMigration created, when one was. */
  readonly migration?: string;
  /**
   * `requested` (created, not waited for), `succeeded` / `failed` (waited for), `timeout` (still running when the
   * wait ended), `skipped` (not migratable now: see reason).
   */
  readonly outcome: 'requested' | 'succeeded' | 'failed' | 'timeout' | 'skipped';
  /** Why it was skipped, failed or is unfinished. */
  readonly reason?: string;
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };
type Vmi = k8s.KubernetesObject & {
  status?: { phase?: string; conditions?: Condition[]; migrationState?: { completed?: boolean } };
};
type Vmim = k8s.KubernetesObject & { spec?: { vmiName?: string }; status?: { phase?: string } };

/**
 * Live-migrates the running VMs virtwork manages: one list of the instances (by label, so nothing virtwork did
 * not create is ever touched), then one VirtualMachineInstanceMigration per migratable instance. Instances that are
 * not running, not live-migratable or already migrating are skipped with the reason. With `waitMs`, one list +
 * watch of the migrations follows them to Succeeded or Failed. Outcomes come back in VM name order.
 */
export async function migrateVms(cluster: Cluster, options: MigrateOptions): Promise<MigrationOutcome[]> {
  const selector: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    ...(options.runId ? { [LABEL_RUN_ID]: options.runId } : {}),
    ...(options.workload ? { [LABEL_COMPONENT]: options.workload } : {}),
  };
  const { items } = await listAll<Vmi>(cluster, VIRTUAL_MACHINE_INSTANCE, options.namespace, selector, options);
  const byName = new Map(items.map((vmi) => [vmi.metadata?.name ?? '', vmi]));
  if (options.vms) {
    const known = [...byName.keys()].sort();
    for (const name of options.vms) {
      if (!byName.has(name)) {
        throw new VirtworkError(`no virtwork VM instance ${show(name)} in namespace ${options.namespace}${filters(options)}` +
          `${didYouMean(name, known)}; instances: ${known.join(', ') || 'none'}`);
      }
    }
  }
  const chosen = (options.vms ? [...new Set(options.vms)] : [...byName.keys()]).sort().map((name) => byName.get(name)!);
  const stamp = (options.now ?? Date.now)().toString(36);
  const outcomes = new Map<string, MigrationOutcome>();
  for (const vmi of chosen) {
    const labels = vmi.metadata?.labels ?? {};
    const base = { vm: vmi.metadata?.name ?? '', workload: labels[LABEL_COMPONENT] ?? '-', role: labels[LABEL_ROLE] ?? '-' };
    const why = notMigratable(vmi);
    if (why) {
      outcomes.set(base.vm, { ...base, outcome: 'skipped', reason: why });
      continue;
    }
    const migration = await createMigration(cluster, vmi, `${base.vm}-migrate-${stamp}`, options);
    outcomes.set(base.vm, { ...base, migration, outcome: 'requested' });
  }
  if (options.waitMs !== undefined) await waitForMigrations(cluster, options, outcomes);
  return [...outcomes.values()];
}

/** Why an instance cannot be migrated now, or undefined when it can. */
export function notMigratable(vmi: Vmi): string | undefined {
  const phase = vmi.status?.phase ?? 'Pending';
  if (phase !== 'Running') return `not running (phase ${phase})`;
  const migratable = (vmi.status?.conditions ?? []).find((c) => c.type === 'LiveMigratable');
  if (migratable?.status === 'False') return `not live-migratable: ${[migratable.reason, migratable.message].filter(Boolean).join(': ') || 'LiveMigratable is False'}`;
  if (vmi.status?.migrationState && vmi.status.migrationState.completed === false) return 'a migration is already in progress';
  return undefined;
}

/** Creates the migration (a retry after a lost answer finds it already there: same name, so not twice). */
async function createMigration(cluster: Cluster, vmi: Vmi, name: string, options: RequestOptions): Promise<string> {
  const labels = Object.fromEntries(COPIED_LABELS.filter((k) => vmi.metadata?.labels?.[k] !== undefined).map((k) => [k, vmi.metadata!.labels![k]]));
  const body: Vmim = {
    apiVersion: VIRTUAL_MACHINE_INSTANCE_MIGRATION.apiVersion,
    kind: VIRTUAL_MACHINE_INSTANCE_MIGRATION.kind,
    metadata: { name, namespace: vmi.metadata?.namespace, labels },
    spec: { vmiName: vmi.metadata?.name },
  };
  await call(cluster, `creating VirtualMachineInstanceMigration ${name} for VM ${vmi.metadata?.name}`, async () => {
    try {
      await cluster.objects.create(body);
    } catch (err) {
      if (httpStatus(err) !== 409) throw err;
    }
  }, options);
  return name;
}

/** Follows the requested migrations (one list + watch) until each has Succeeded or Failed, or the time is up. */
async function waitForMigrations(cluster: Cluster, options: MigrateOptions, outcomes: Map<string, MigrationOutcome>): Promise<void> {
  const pending = new Map([...outcomes.values()].filter((o) => o.migration).map((o) => [o.migration!, o]));
  if (pending.size === 0) return;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.waitMs);
  const judge = (vmim: Vmim): void => {
    const o = pending.get(vmim.metadata?.name ?? '');
    const phase = vmim.status?.phase;
    if (!o || (phase !== 'Succeeded' && phase !== 'Failed')) return;
    outcomes.set(o.vm, { ...o, outcome: phase === 'Succeeded' ? 'succeeded' : 'failed', ...(phase === 'Failed' ? { reason: 'migration failed (see `kubectl describe vmim`)' } : {}) });
    pending.delete(o.migration!);
    if (pending.size === 0) stop.abort();
  };
  try {
    await listWatch<Vmim>(cluster, {
      ...options,
      ref: VIRTUAL_MACHINE_INSTANCE_MIGRATION,
      namespace: options.namespace,
      selector: { [LABEL_MANAGED_BY]: MANAGED_BY },
      signal: AbortSignal.any([stop.signal, cluster.signal]),
      onSync: (items) => items.forEach(judge),
      onEvent: (type, vmim) => (type === 'DELETED' ? undefined : judge(vmim)),
    });
  } finally {
    clearTimeout(timer);
  }
  if (cluster.signal.aborted) throw new CancelledError();
  for (const o of pending.values()) outcomes.set(o.vm, { ...o, outcome: 'timeout', reason: 'still migrating when the wait ended' });
}

function filters(o: MigrateOptions): string {
  const parts = [o.runId && `run id ${o.runId}`, o.workload && `workload ${o.workload}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
