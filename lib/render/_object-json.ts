import { ApiObject, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
// the generated Kubernetes L1 classes only: cdk8s-plus-28's index loads every L2 construct too (a tenth of a cold synth)
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as kubevirt from '../../imports/kubevirt.io';

/**
 * The classes whose `toJson()` {@link objectJson} reproduces: plain `ApiObject`, and the generated L1 classes virtwork
 * builds, whose `toJson()` is `{ ...GVK, ...toJson_<Kind>Props(super.toJson()) }`, which is exactly their static
 * `manifest()` applied to the `ApiObject` part. A subclass of these (which may override `toJson()`) is not listed.
 */
const L1_CLASSES: readonly { manifest(props: unknown): unknown }[] = [
  kubevirt.VirtualMachine, kubevirt.VirtualMachineInstanceMigration, k8s.KubeSecret, k8s.KubeService, k8s.KubeNamespace,
];
const DEFAULT_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** The parts of a cdk8s 2.x ApiObject its `toJson()` reads; not public, so checked before use. */
interface _ApiObjectInternals {
  readonly props?: unknown;
  readonly patches?: unknown;
}

/** The parts of a cdk8s 2.x ApiObjectMetadata its `toJson()` reads; not public either. */
interface _MetadataInternals {
  readonly _additionalAttributes?: unknown;
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly annotations?: unknown;
  readonly finalizers?: unknown;
  readonly ownerReferences?: unknown;
  readonly labels?: unknown;
}

/** Thrown inside the fast walk for anything it does not reproduce; the object then takes cdk8s's own path. */
class _NotPlain extends Error {}

/**
 * `obj.toJson()`, the same value, without cdk8s's generic resolver: cdk8s resolves every value of every object
 * through the app's resolver chain (looking the app up the construct tree and copying the key path per value), then
 * walks the result again to sort keys and drop empty values. For the objects virtwork builds (an L1 class of
 * {@link L1_CLASSES} or a plain ApiObject, no JSON patches, the app's default resolvers, key sorting on) one walk does
 * both: `Lazy` values produced, implicit tokens resolved, number-or-string unions unwrapped, keys sorted, null and
 * undefined dropped, in cdk8s's order. Anything else (a subclass, a patch, a custom resolver,
 * `CDK8S_DISABLE_SORT`, a value the walk does not know) is handed to `obj.toJson()` itself, errors included.
 */
export function objectJson(obj: ApiObject, appResolvers = defaultResolvers(App.of(obj))): unknown {
  const internals = obj as unknown as _ApiObjectInternals;
  const cls = obj.constructor as unknown as { manifest?(props: unknown): unknown };
  const l1 = L1_CLASSES.includes(cls as { manifest(props: unknown): unknown });
  const own = (cls as unknown as { prototype: ApiObject }).prototype.toJson;
  if (!appResolvers || process.env.CDK8S_DISABLE_SORT || (!l1 && cls !== (ApiObject as unknown)) || obj.toJson !== own
    || !Array.isArray(internals.patches) || internals.patches.length > 0
    || internals.props === null || typeof internals.props !== 'object') {
    return obj.toJson();
  }
  try {
    const json = _plain({ ...internals.props, metadata: _metadataJson(obj) }) as Record<string, unknown>;
    // apiVersion, kind and metadata first, then the rest (as ApiObject.toJson orders them)
    const ordered: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) if (k in json) ordered[k] = json[k];
    return l1 ? cls.manifest!(ordered) : ordered;
  } catch {
    return obj.toJson(); // _NotPlain, or an error cdk8s reports in its own words (naming the construct)
  }
}

/** Whether `app` resolves with cdk8s's default resolvers only (then {@link objectJson} may take its fast path). */
export function defaultResolvers(app: App): boolean {
  const r = app.resolvers;
  return r.length === DEFAULT_RESOLVERS.length && r.every((x, i) => x.constructor === DEFAULT_RESOLVERS[i]);
}

/**
 * `obj.metadata.toJson()` in one walk: cdk8s resolves its fields over the construction options and sanitizes the
 * result dropping empty arrays and objects at any depth; its own call when the fields are not where cdk8s 2.x keeps
 * them.
 */
function _metadataJson(obj: ApiObject): unknown {
  const m = obj.metadata as unknown as _MetadataInternals;
  const fields = [m._additionalAttributes, m.annotations, m.labels];
  if (fields.some((f) => f === null || typeof f !== 'object') || !Array.isArray(m.finalizers) || !Array.isArray(m.ownerReferences)) {
    return obj.metadata.toJson();
  }
  return _plain({
    ...(m._additionalAttributes as object), name: m.name, namespace: m.namespace, annotations: m.annotations, finalizers: m.finalizers,
    ownerReferences: m.ownerReferences, labels: m.labels,
  }, true);
}

/**
 * cdk8s `sanitizeValue(resolve([], value), { sortKeys: true })` in one walk, for the default resolvers; with
 * `filterEmpty`, `{ filterEmptyArrays: true, filterEmptyObjects: true }` as well (metadata).
 */
function _plain(value: unknown, filterEmpty = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') {
    if (typeof value === 'function') throw new _NotPlain();
    return value; // a primitive: no resolver touches it
  }
  if (value instanceof Lazy) return _plain(value.produce(), filterEmpty);
  const v = value as { resolve?: unknown; value?: unknown; constructor?: unknown };
  if (typeof v.resolve === 'function') throw new _NotPlain(); // an implicit token: leave it to cdk8s
  // a number-or-string union (an L1 Quantity, IntOrString, …): cdk8s replaces it with { value }
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return _plain({ value: v.value }, filterEmpty);
  if (Array.isArray(value)) return filterEmpty && value.length === 0 ? undefined : value.map((x) => _plain(x, filterEmpty));
  if (v.constructor === Object) {
    const out: Record<string, unknown> = {};
    const o = value as Record<string, unknown>;
    let empty = true;
    for (const k of Object.keys(o).sort()) {
      const x = _plain(o[k], filterEmpty);
      if (x !== undefined) {
        out[k] = x;
        empty = false;
      }
    }
    return filterEmpty && empty ? undefined : out;
  }
  throw new _NotPlain();
}
