import * as k8s from '@kubernetes/client-node';
import { VirtworkError } from '../core/errors';
import { LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../core/labels';
import { describeError, httpStatus, statusBody } from './_errors';
import { CancelledError } from './_cancelled';
import { FIELD_MANAGER, unchanged, unchangedByDryRun } from './field-ownership';
import { applyRank, KindRef, NAMESPACE, PRUNE_KINDS } from './kinds';
import type { Cluster } from './kubeconfig';
import { mapLimit, settleLimit } from './limiter';
import { describeObject, groupOf, Manifest, sourceOf } from './manifests';
import { call, listAll, matchesLabels, RequestOptions, ResourceInfo, resourceOf } from './requests';

/** Requests in flight at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 16;

/** What apply did to one object. */
export type ApplyAction = 'created' | 'changed' | 'unchanged' | 'skipped' | 'pruned';

/** The outcome for one object. */
export interface ObjectOutcome {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly action: ApplyAction;
  /** Manifest file and document, for applied objects. */
  readonly source?: string;
  /** Why it was skipped, or why a dry run could not validate it. */
  readonly reason?: string;
}

/** The error that stopped an apply: names the object the server refused. */
export class ApplyObjectError extends VirtworkError {
  public constructor(message: string, public readonly kind: string, public readonly objectName: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Options of {@link applyManifests}. */
export interface ApplyOptions extends RequestOptions {
  /**
   * Server-side dry run (`dryRun=All`): validated and reported, nothing persisted.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Validate every object with a server-side dry run before the first write, so that an object the server refuses
   * (schema, size limit, conflict, admission) leaves the cluster untouched. Without it, the objects of earlier waves
   * are persisted before a later one is refused.
   * @default true
   */
  readonly validateFirst?: boolean;
  /** Hears the outcomes of the validation (a `reason` on those the server could not validate) and how long it took. */
  readonly onValidated?: (outcomes: readonly ObjectOutcome[], ms: number) => void;
  /**
   * Take over fields another manager owns instead of failing with a conflict.
   * @default false
   */
  readonly forceConflicts?: boolean;
  /**
   * Requests in flight at once.
   * @default DEFAULT_CONCURRENCY
   */
  readonly concurrency?: number;
  /** Delete the objects of this run id that are no longer in the manifests. */
  readonly pruneRunId?: string;
  /** Hears about each object as soon as it is done. */
  readonly onObject?: (outcome: ObjectOutcome) => void;
}

/** Applied manifests paired with how the server serves them. */
interface Placed {
  readonly manifest: Manifest;
  readonly info: ResourceInfo;
}

/**
 * Looks up how the server serves every kind of `manifests`; fails before anything is written when one is not
 * served, naming the file, the document and the kind.
 */
export async function discoverKinds(cluster: Cluster, manifests: readonly Manifest[], options: RequestOptions = {}): Promise<Map<Manifest, ResourceInfo>> {
  const refs = new Map(manifests.map((m) => [`${m.object.apiVersion}|${m.object.kind}`, { apiVersion: m.object.apiVersion, kind: m.object.kind }]));
  const found = new Map(await Promise.all([...refs].map(async ([key, ref]) => [key, await resourceOf(cluster, ref, options)] as const)));
  const out = new Map<Manifest, ResourceInfo>();
  for (const m of manifests) {
    const info = found.get(`${m.object.apiVersion}|${m.object.kind}`);
    if (!info) {
      throw new VirtworkError(`${sourceOf(m)}: the cluster does not serve kind ${m.object.kind} in ${m.object.apiVersion} ` +
        `(${describeObject(m.object)}); is its CRD installed?`);
    }
    out.set(m, info);
  }
  return out;
}

/**
 * Server-side applies `manifests` (field manager `virtwork`) in dependency order ({@link applyRank}), each wave with
 * bounded concurrency and the retry policy, and reports created / changed / unchanged by comparing resourceVersions
 * with a list made before. A Namespace that exists without virtwork's label is left alone (skipped). Any
 * non-transient error stops the apply, naming the object and the server's message. With `pruneRunId`, objects of
 * that run (managed-by and run-id labels, no owner) that are no longer in `manifests` are deleted afterwards.
 */
export async function applyManifests(cluster: Cluster, manifests: readonly Manifest[], options: ApplyOptions = {}): Promise<ObjectOutcome[]> {
  const infos = await discoverKinds(cluster, manifests, options);
  const placed: Placed[] = manifests.map((manifest) => ({ manifest, info: infos.get(manifest)! }));
  for (const p of placed) {
    if (p.info.namespaced && !p.manifest.object.metadata.namespace) {
      throw new VirtworkError(`${sourceOf(p.manifest)}: ${p.manifest.object.kind} ${p.manifest.object.metadata.name} has no metadata.namespace (pass -n)`);
    }
  }
  const before = await listExisting(cluster, placed, options);
  const outcomes: ObjectOutcome[] = [];
  const report = (o: ObjectOutcome): void => {
    outcomes.push(o);
    options.onObject?.(o);
  };
  const newNamespaces = new Set(placed.filter((p) => p.manifest.object.kind === NAMESPACE.kind
    && !before.has(keyOf('v1', NAMESPACE.kind, undefined, p.manifest.object.metadata.name))).map((p) => p.manifest.object.metadata.name));
  const limit = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (options.dryRun) {
    for (const o of await validateAll(cluster, placed, before, newNamespaces, options)) report(o);
  } else {
    if (options.validateFirst ?? true) {
      const started = Date.now();
      const validated = await validateAll(cluster, placed, before, newNamespaces, options);
      options.onValidated?.(validated, Date.now() - started);
    }
    const ranks = [...new Set(placed.map((p) => applyRank(p.manifest.object.kind)))].sort((a, b) => a - b);
    for (const rank of ranks) {
      const wave = placed.filter((p) => applyRank(p.manifest.object.kind) === rank);
      await mapLimit(wave, limit, async (p) => report(await applyOne(cluster, p, before, 'apply', options)), cluster.signal);
    }
  }
  if (options.pruneRunId !== undefined) {
    for (const outcome of await prune(cluster, placed, before, options.pruneRunId, options)) report(outcome);
  }
  return outcomes;
}

/** What existed before the apply, by `group|kind|namespace|name`. */
type Existing = Map<string, k8s.KubernetesObject>;

function keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return [groupOf(apiVersion), kind, namespace ?? '', name].join('|');
}

/** One list per kind and namespace (virtwork's objects only), plus the Namespaces of the manifests read one by one. */
async function listExisting(cluster: Cluster, placed: readonly Placed[], options: ApplyOptions): Promise<Existing> {
  const existing: Existing = new Map();
  const namespaces = [...new Set(placed.map((p) => p.manifest.object.metadata.namespace).filter((ns): ns is string => ns !== undefined))];
  const lists = new Map<string, { ref: KindRef; namespace?: string }>();
  for (const p of placed) {
    if (p.manifest.object.kind === NAMESPACE.kind) continue;
    const ns = p.info.namespaced ? p.manifest.object.metadata.namespace : undefined;
    lists.set(`${p.info.apiVersion}|${p.info.kind}|${ns ?? ''}`, { ref: p.info, namespace: ns });
  }
  if (options.pruneRunId !== undefined) {
    for (const ref of PRUNE_KINDS) for (const ns of namespaces) lists.set(`${ref.apiVersion}|${ref.kind}|${ns}`, { ref, namespace: ns });
  }
  const tasks: Array<() => Promise<void>> = [...lists.values()].map(({ ref, namespace }) => async () => {
    if ((PRUNE_KINDS as readonly KindRef[]).includes(ref) && !(await resourceOf(cluster, ref, options))) return;
    const { items } = await listAll(cluster, ref, namespace, { [LABEL_MANAGED_BY]: MANAGED_BY }, options);
    for (const obj of items) existing.set(keyOf(ref.apiVersion, ref.kind, obj.metadata?.namespace, obj.metadata?.name ?? ''), obj);
  });
  for (const p of placed.filter((p) => p.manifest.object.kind === NAMESPACE.kind && p.manifest.object.apiVersion === NAMESPACE.apiVersion)) {
    const name = p.manifest.object.metadata.name;
    tasks.push(async () => {
      const ns = await call(cluster, `reading Namespace ${name}`, () => cluster.objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
        .catch((err: unknown) => (httpStatus(err) === 404 ? undefined : Promise.reject(err))), options);
      if (ns) existing.set(keyOf('v1', 'Namespace', undefined, name), ns);
    });
  }
  await mapLimit(tasks, options.concurrency ?? DEFAULT_CONCURRENCY, (task) => task(), cluster.signal);
  return existing;
}

/**
 * Server-side dry runs of every object at once (no waves: nothing is persisted), each the cheapest request that the
 * server validates exactly as the write (schema, unknown fields, size, admission, conflicts):
 * - an object of a namespace that does not exist yet is dry-run created in {@link STAND_IN_NAMESPACE} (the server
 *   refuses any request into a missing namespace, dry run or not); there "already exists" means it passed validation;
 * - an object the list found no trace of is dry-run created in place (no read, no merge: about a quarter cheaper on
 *   the server than a server-side apply); "already exists" means it is there without virtwork's labels, or appeared
 *   since: it is then dry-run applied, which checks field-manager conflicts, as it is when the create is forbidden
 *   (patching an object that exists needs no create permission);
 * - any other object (and every Namespace) is dry-run applied.
 * Creates use strict field validation: server-side apply refuses an undeclared field, so the dry run must too.
 * Fails with the first refused object in manifest order, saying how many others were refused; otherwise returns the
 * outcomes.
 */
async function validateAll(cluster: Cluster, placed: readonly Placed[], before: Existing, newNamespaces: ReadonlySet<string>, options: ApplyOptions): Promise<ObjectOutcome[]> {
  const settled = await settleLimit(placed, options.concurrency ?? DEFAULT_CONCURRENCY, (p) => {
    const { object } = p.manifest;
    if (p.info.namespaced && newNamespaces.has(object.metadata.namespace ?? '')) return dryRunCreate(cluster, p, STAND_IN_NAMESPACE, before, options);
    if (object.kind !== NAMESPACE.kind && !before.has(keyOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name))) {
      return dryRunCreate(cluster, p, undefined, before, options);
    }
    return applyOne(cluster, p, before, 'dry-run', options);
  }, cluster.signal);
  if (cluster.signal.aborted) throw new CancelledError();
  const refused = settled.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
  if (refused.length > 0) {
    const [first] = refused;
    if (!(first instanceof ApplyObjectError)) throw first;
    const others = refused.length > 1 ? `; ${refused.length - 1} other objects were refused too` : '';
    throw new ApplyObjectError(`${first.message} (server-side dry run before any write: nothing was applied${others})`, first.kind, first.objectName, { cause: first.cause });
  }
  return settled.map((o) => (o as PromiseFulfilledResult<ObjectOutcome>).value);
}

/** Where objects of a namespace that does not exist yet are validated: it exists in every cluster. */
export const STAND_IN_NAMESPACE = 'default';

/**
 * Dry-run create of an object not in the cluster, in its own namespace (`standIn` undefined) or in `standIn`. In
 * place, an "already exists" or "forbidden" answer falls back to a dry-run apply, which decides; in the stand-in
 * namespace "already exists" means validated.
 */
async function dryRunCreate(cluster: Cluster, p: Placed, standIn: string | undefined, before: Existing, options: ApplyOptions): Promise<ObjectOutcome> {
  const { object } = p.manifest;
  const base = { kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, source: sourceOf(p.manifest) };
  const body = standIn === undefined ? object : { ...object, metadata: { ...object.metadata, namespace: standIn } };
  let unvalidated: string | undefined;
  let applyInstead = false;
  await call(cluster, `cannot apply ${describeObject(object)} (${base.source})`, () => cluster.objects.dryRunCreate(body as k8s.KubernetesObject, FIELD_MANAGER)
    .then(() => undefined, (err: unknown) => {
      if (httpStatus(err) === 409 && statusBody(err)?.reason === 'AlreadyExists') {
        applyInstead = standIn === undefined; // in the stand-in namespace: validated, only the name is taken there
        return;
      }
      if (standIn === undefined && httpStatus(err) === 403) {
        applyInstead = true;
        return;
      }
      if (standIn !== undefined && (httpStatus(err) === 403 || httpStatus(err) === 404)) {
        unvalidated = `not validated by the server: namespace ${object.metadata.namespace} does not exist yet and the dry run in namespace ${standIn} was refused (${describeError(err)})`;
        return;
      }
      throw err;
    }), options).catch((err: unknown) => {
    throw asObjectError(err, object);
  });
  if (applyInstead) return applyOne(cluster, p, before, 'dry-run', options);
  return { ...base, action: 'created', ...(unvalidated ? { reason: unvalidated } : {}) };
}

function asObjectError(err: unknown, object: Manifest['object']): unknown {
  return err instanceof VirtworkError && !(err instanceof ApplyObjectError) && err.message.startsWith('cannot apply ')
    ? new ApplyObjectError(err.message, object.kind, object.metadata.name, { cause: err.cause }) : err;
}

async function applyOne(cluster: Cluster, p: Placed, before: Existing, mode: 'apply' | 'dry-run', options: ApplyOptions): Promise<ObjectOutcome> {
  const { object } = p.manifest;
  const base = { kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, source: sourceOf(p.manifest) };
  const previous = before.get(keyOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name));
  if (object.kind === NAMESPACE.kind && previous && previous.metadata?.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) {
    return { ...base, action: 'skipped', reason: `namespace exists and was not created by virtwork: left as is` };
  }
  let attempts = 0;
  const { stored, created } = await call(cluster, `cannot apply ${describeObject(object)} (${base.source})`, () => {
    attempts++;
    return cluster.objects.serverSideApply(object as k8s.KubernetesObject, { fieldManager: FIELD_MANAGER, dryRun: mode === 'dry-run', force: options.forceConflicts });
  }, options).catch((err: unknown) => {
    throw asObjectError(err, object);
  });
  if (created) return { ...base, action: 'created' };
  // Updated, and not in the list: there before without virtwork's labels (which the apply adds), unless an earlier
  // attempt whose answer was lost created it.
  if (!previous) return { ...base, action: attempts > 1 ? 'created' : 'changed' };
  const same = mode === 'dry-run' ? unchangedByDryRun(previous, stored()) : unchanged(object, previous, stored());
  return { ...base, action: same ? 'unchanged' : 'changed' };
}

/** Deletes this run's objects that the manifests no longer contain (never one with an owner, never another run's). */
async function prune(cluster: Cluster, placed: readonly Placed[], before: Existing, runId: string, options: ApplyOptions): Promise<ObjectOutcome[]> {
  const wanted = new Set(placed.map(({ manifest: { object: o } }) => keyOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)));
  const refs = new Map<string, KindRef>([...PRUNE_KINDS, ...placed.map((p) => p.info)].map((r) => [`${groupOf(r.apiVersion)}|${r.kind}`, r]));
  const selector = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RUN_ID]: runId };
  const doomed = [...before].filter(([key, obj]) => !wanted.has(key) && key.split('|')[1] !== NAMESPACE.kind
    && matchesLabels(obj, selector) && (obj.metadata?.ownerReferences ?? []).length === 0);
  return mapLimit(doomed, options.concurrency ?? DEFAULT_CONCURRENCY, async ([key, obj]) => {
    const [group, kind] = key.split('|');
    const ref = refs.get(`${group}|${kind}`)!;
    const target = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace } };
    await call(cluster, `cannot prune ${describeObject(target)}`, () => cluster.objects.delete(target, undefined, options.dryRun ? 'All' : undefined,
      undefined, undefined, undefined, { preconditions: { uid: obj.metadata?.uid } }).catch((err: unknown) => {
      if (httpStatus(err) !== 404) throw err;
    }), options);
    return { kind: ref.kind, name: target.metadata.name ?? '', namespace: target.metadata.namespace, action: 'pruned' as const };
  }, cluster.signal);
}
