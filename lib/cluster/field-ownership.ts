import type * as k8s from '@kubernetes/client-node';

// Who owns which fields of an applied object, and whether an apply changed anything (lib/cluster/apply.ts reports
// created / changed / unchanged with it).

/** The field manager of every apply. */
export const FIELD_MANAGER = 'virtwork';

/**
 * Whether an apply left the object as it was: its resourceVersion did not move; or it moved (another writer, e.g. a
 * controller updating the status, came in between) but the object already held every value of the manifest and the
 * set of fields virtwork owns is the same (so no field was dropped either).
 */
export function unchanged(manifest: k8s.KubernetesObject, before: k8s.KubernetesObject, after: k8s.KubernetesObject): boolean {
  if (before.metadata?.resourceVersion === after.metadata?.resourceVersion) return true;
  return owned(before) === owned(after) && contains(toJson(before), asStored(manifest));
}

/**
 * Whether a server-side dry run left the object as it was. Its answer is what the object would become, but with
 * the resourceVersion it has now (nothing was stored), so that cannot tell: the object itself is compared instead,
 * as the server answered it (defaults and canonical forms included), without the metadata every write moves
 * (managedFields but the set of fields virtwork owns, resourceVersion, generation).
 */
export function unchangedByDryRun(before: k8s.KubernetesObject, after: k8s.KubernetesObject): boolean {
  const [a, b] = [withoutVolatile(toJson(before)), withoutVolatile(toJson(after))];
  return owned(before) === owned(after) && contains(a, b) && contains(b, a);
}

/** The fields virtwork's apply owns, as JSON. */
function owned(o: k8s.KubernetesObject): string {
  return JSON.stringify(o.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply')?.fieldsV1 ?? null);
}

/**
 * `obj` without the metadata a write moves, without creationTimestamp (client-node's Date adds milliseconds),
 * without kind and apiVersion (the items of a list carry neither), and without the status (controllers write it,
 * an apply never does).
 */
function withoutVolatile(obj: unknown): unknown {
  const { kind: _k, apiVersion: _a, status: _s, ...o } = obj as { kind?: string; apiVersion?: string; status?: unknown; metadata?: Record<string, unknown> };
  if (!o.metadata) return o;
  const { managedFields: _m, resourceVersion: _r, generation: _g, creationTimestamp: _c, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** The manifest as the server stores it: a Secret's stringData becomes base64 data. */
function asStored(manifest: k8s.KubernetesObject): unknown {
  const { stringData, ...rest } = manifest as k8s.KubernetesObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  if (manifest.kind !== 'Secret' || !stringData) return manifest;
  const encoded = Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  return { ...rest, data: { ...rest.data, ...encoded } };
}

/** Plain JSON of an object the client may have deserialized into typed classes (Dates and all). */
function toJson(obj: unknown): unknown {
  return JSON.parse(JSON.stringify(obj)) as unknown;
}

/** Whether `have` holds every value of `want` (objects: a subset of keys; arrays: same length, item by item). */
export function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  if (want !== null && typeof want === 'object') {
    return have !== null && typeof have === 'object' && !Array.isArray(have)
      && Object.entries(want).every(([k, v]) => contains((have as Record<string, unknown>)[k], v));
  }
  return have === want;
}
