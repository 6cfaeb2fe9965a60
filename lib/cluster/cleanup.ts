import * as k8s from '@kubernetes/client-node';
import { LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../core/labels';
import { describeError, httpStatus } from './_errors';
import { CancelledError } from './_cancelled';
import { CLEANUP_KINDS, KindRef, NAMESPACE } from './kinds';
import type { Cluster } from './kubeconfig';
import { settleLimit } from './limiter';
import { describeObject } from './manifests';
import { call, listAll, matchesLabels, RequestOptions, resourceOf } from './requests';
import { sleep } from './retry';
import { DEFAULT_CONCURRENCY } from './apply';

/** What to clean up. */
export interface CleanupScope extends RequestOptions {
  /** The one namespace to look in. */
  readonly namespace: string;
  /** Only objects of this run. */
  readonly runId?: string;
}

/** The objects of one kind that cleanup would delete. */
export interface KindPlan {
  readonly ref: KindRef;
  /** False when the cluster does not serve the kind (e.g. CDI not installed): nothing to do. */
  readonly served: boolean;
  readonly objects: readonly k8s.KubernetesObject[];
}

/** The preview: what would be deleted. */
export interface CleanupPlan {
  readonly namespace: string;
  readonly runId?: string;
  /** The label selector every object matches (and is checked against again before its delete). */
  readonly selector: Readonly<Record<string, string>>;
  /** One entry per kind of CLEANUP_KINDS, in deletion order. */
  readonly kinds: readonly KindPlan[];
  /** Number of objects. */
  readonly total: number;
  /** The distinct run ids found on them, sorted. */
  readonly runIds: readonly string[];
}

/** One object that could not be deleted. */
export interface CleanupError {
  readonly kind: string;
  readonly name: string;
  readonly message: string;
}

/** What cleanup did. */
export interface CleanupResult {
  /** Objects deleted, by kind (those already gone are not counted). */
  readonly deleted: Readonly<Record<string, number>>;
  /** Objects that could not be deleted; the others were. */
  readonly errors: readonly CleanupError[];
  /** `deleted`, or `kept` with the reason, or `not-requested`. */
  readonly namespace: 'deleted' | 'kept' | 'not-requested';
  readonly namespaceReason?: string;
  /** With `wait`: objects still present when the time ran out. */
  readonly remaining?: number;
}

/** Options of {@link executeCleanup}. */
export interface CleanupOptions extends RequestOptions {
  /**
   * Deletes in flight at once.
   * @default DEFAULT_CONCURRENCY
   */
  readonly concurrency?: number;
  /**
   * Also delete the namespace, if virtwork created it and nothing else lives there.
   * @default false
   */
  readonly deleteNamespace?: boolean;
  /**
   * Wait until the deleted objects are gone.
   * @default false
   */
  readonly wait?: boolean;
  /**
   * Time limit of `wait`, in milliseconds.
   * @default 300000
   */
  readonly timeoutMs?: number;
  /** Hears each deleted object. */
  readonly onDeleted?: (kind: string, name: string) => void;
}

/** The selector of a cleanup: managed-by, and the run id when given. */
export function cleanupSelector(runId?: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, ...(runId !== undefined ? { [LABEL_RUN_ID]: runId } : {}) };
}

/**
 * Why `obj` must not be deleted by the cleanup of `plan` (missing label, another run, another namespace), or
 * undefined when it may. Checked again on every object right before its delete.
 */
export function refusal(obj: k8s.KubernetesObject, plan: Pick<CleanupPlan, 'namespace' | 'selector'>): string | undefined {
  if (obj.metadata?.namespace !== plan.namespace) return `it is in namespace ${JSON.stringify(obj.metadata?.namespace)}, not ${JSON.stringify(plan.namespace)}`;
  if (!matchesLabels(obj, plan.selector)) {
    const labels = obj.metadata?.labels ?? {};
    const missing = Object.entries(plan.selector).filter(([k, v]) => labels[k] !== v).map(([k, v]) => `${k}=${v}`);
    return `it does not carry ${missing.join(', ')}`;
  }
  if (!obj.metadata?.uid) return 'it has no uid to delete it by';
  return undefined;
}

/** Lists what cleanup would delete: the objects of CLEANUP_KINDS in the namespace that match the selector. */
export async function planCleanup(cluster: Cluster, scope: CleanupScope): Promise<CleanupPlan> {
  const selector = cleanupSelector(scope.runId);
  const kinds: KindPlan[] = [];
  for (const ref of CLEANUP_KINDS) {
    if (!(await resourceOf(cluster, ref, scope))) {
      kinds.push({ ref, served: false, objects: [] });
      continue;
    }
    const { items } = await listAll(cluster, ref, scope.namespace, selector, scope);
    kinds.push({ ref, served: true, objects: items.filter((obj) => refusal(obj, { namespace: scope.namespace, selector }) === undefined) });
  }
  const all = kinds.flatMap((k) => k.objects);
  const runIds = [...new Set(all.map((o) => o.metadata?.labels?.[LABEL_RUN_ID]).filter((id): id is string => !!id))].sort();
  return { namespace: scope.namespace, runId: scope.runId, selector, kinds, total: all.length, runIds };
}

/**
 * Deletes the objects of `plan`, kind by kind in order, each only after checking its labels and namespace again
 * ({@link refusal}) and with its uid as a precondition (an object replaced since the preview is not touched).
 * Errors on single objects are collected and the rest proceeds. Optionally waits for the objects to be gone and
 * deletes the namespace, only when it carries virtwork's label and holds nothing virtwork did not just delete.
 */
export async function executeCleanup(cluster: Cluster, plan: CleanupPlan, options: CleanupOptions = {}): Promise<CleanupResult> {
  const deleted: Record<string, number> = {};
  const errors: CleanupError[] = [];
  const gone = new Set<string>();
  for (const { ref, objects } of plan.kinds) {
    const outcomes = await settleLimit(objects, options.concurrency ?? DEFAULT_CONCURRENCY, async (obj) => {
      const target = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: obj.metadata?.name, namespace: plan.namespace } };
      const why = refusal(obj, plan);
      if (why !== undefined) throw new Error(`${describeObject({ kind: ref.kind, metadata: obj.metadata })}: refused to delete: ${why}`);
      return call(cluster, describeObject(target), () => cluster.objects.delete(target, undefined, undefined, undefined, undefined, undefined,
        { preconditions: { uid: obj.metadata?.uid } }).then(() => true, (err: unknown) => {
        if (httpStatus(err) === 404) return false;
        if (httpStatus(err) === 409) throw new Error(`replaced since the preview (uid changed), not deleted: ${describeError(err)}`);
        throw err;
      }), options);
    }, cluster.signal);
    if (cluster.signal.aborted) throw new CancelledError();
    outcomes.forEach((outcome, i) => {
      const name = objects[i].metadata?.name ?? '';
      if (outcome.status === 'fulfilled') {
        gone.add(objects[i].metadata?.uid ?? '');
        if (outcome.value) {
          deleted[ref.kind] = (deleted[ref.kind] ?? 0) + 1;
          options.onDeleted?.(ref.kind, name);
        }
      } else {
        errors.push({ kind: ref.kind, name, message: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
      }
    });
  }
  const remaining = options.wait ? await waitUntilGone(cluster, plan, gone, options) : undefined;
  const ns = options.deleteNamespace ? await deleteNamespace(cluster, plan, gone, options) : { namespace: 'not-requested' as const };
  return { deleted, errors, ...ns, remaining };
}

/** Lists each kind until none of `uids` is left (one list per kind per round); returns how many are left. */
async function waitUntilGone(cluster: Cluster, plan: CleanupPlan, uids: ReadonlySet<string>, options: CleanupOptions): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    let left = 0;
    for (const { ref, served } of plan.kinds) {
      if (!served) continue;
      const { items } = await listAll(cluster, ref, plan.namespace, plan.selector, options);
      left += items.filter((o) => uids.has(o.metadata?.uid ?? '')).length;
    }
    if (left === 0 || Date.now() >= deadline) return left;
    await sleep(500, cluster.signal);
  }
}

async function deleteNamespace(cluster: Cluster, plan: CleanupPlan, deleted: ReadonlySet<string>, options: CleanupOptions): Promise<Pick<CleanupResult, 'namespace' | 'namespaceReason'>> {
  const name = plan.namespace;
  const ns = await call(cluster, `reading Namespace ${name}`, () => cluster.objects.read({ ...NAMESPACE, metadata: { name } })
    .catch((err: unknown) => (httpStatus(err) === 404 ? undefined : Promise.reject(err))), options);
  if (!ns) return { namespace: 'kept', namespaceReason: `namespace ${name} does not exist` };
  if (ns.metadata?.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) {
    return { namespace: 'kept', namespaceReason: `namespace ${name} was not created by virtwork (no ${LABEL_MANAGED_BY}=${MANAGED_BY} label)` };
  }
  const others: string[] = [];
  for (const { ref, served } of plan.kinds) {
    if (!served) continue;
    const { items } = await listAll(cluster, ref, name, undefined, options);
    items.filter((o) => !deleted.has(o.metadata?.uid ?? '')).forEach((o) => others.push(`${ref.kind} ${o.metadata?.name}`));
  }
  if (others.length > 0) {
    const sample = others.slice(0, 3).join(', ') + (others.length > 3 ? `, … (${others.length} in all)` : '');
    return { namespace: 'kept', namespaceReason: `namespace ${name} still holds objects this cleanup did not delete: ${sample}` };
  }
  await call(cluster, `cannot delete Namespace ${name}`, () => cluster.objects.delete({ ...NAMESPACE, metadata: { name } }, undefined, undefined,
    undefined, undefined, undefined, { preconditions: { uid: ns.metadata?.uid } }).catch((err: unknown) => {
    if (httpStatus(err) !== 404) throw err;
  }), options);
  return { namespace: 'deleted' };
}
