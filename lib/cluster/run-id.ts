import { randomBytes } from 'node:crypto';
import { VirtworkError } from '../core/errors';
import { LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../core/labels';
import { checkDnsLabel, checkLabelValue } from '../core/names';
import { Manifest, ManifestObject, sourceOf } from './manifests';

/** Where the run id of an apply came from. */
export type RunIdSource = 'flag' | 'manifests' | 'fresh';

/** A fresh run id for a direct deployment: `run-<yyyymmdd>-<hhmmss>-<4 hex>` (UTC), sortable and readable. */
export function newRunId(now: Date = new Date(), random: Buffer = randomBytes(2)): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${random.toString('hex').slice(0, 4)}`;
}

/**
 * The run id of an apply: `--run-id` when given; else the one the manifests carry (`virtwork/run-id`, as written by
 * `virtwork synth`); else a fresh one. Manifests carrying several run ids need `--run-id`.
 */
export function resolveRunId(manifests: readonly Manifest[], flag: string | undefined, fresh: () => string = newRunId): { runId: string; source: RunIdSource } {
  if (flag !== undefined) return { runId: checkLabelValue('--run-id', flag), source: 'flag' };
  const found = new Map<string, Manifest>();
  for (const m of manifests) {
    const id = m.object.metadata.labels?.[LABEL_RUN_ID];
    if (id !== undefined && id !== '' && !found.has(id)) found.set(id, m);
  }
  if (found.size > 1) {
    const list = [...found].map(([id, m]) => `"${id}" (${sourceOf(m)})`).join(', ');
    throw new VirtworkError(`the manifests carry ${found.size} different ${LABEL_RUN_ID} labels: ${list}; pass --run-id to choose the run id of this apply`);
  }
  const [only] = found.keys();
  return only !== undefined ? { runId: only, source: 'manifests' } : { runId: fresh(), source: 'fresh' };
}

/**
 * Copies of `manifests` labelled for the run: `app.kubernetes.io/managed-by: virtwork` on every object, and
 * `virtwork/run-id` on every object but Namespaces (shared by runs), on VM templates and on DataVolume templates.
 */
export function stampRunId(manifests: readonly Manifest[], runId: string): Manifest[] {
  checkLabelValue('run id', runId);
  // copies along the changed paths only (metadata, and a VM's templates): the rest is shared with the input, which
  // nothing mutates (deep copies of every object were among virtwork's own largest costs in a profile of an apply)
  return manifests.map((m) => {
    const own: Record<string, string> = m.object.kind === 'Namespace' ? { [LABEL_MANAGED_BY]: MANAGED_BY } : { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RUN_ID]: runId };
    const object: ManifestObject = { ...m.object, metadata: { ...m.object.metadata, labels: { ...m.object.metadata.labels, ...own } } };
    if (object.kind === 'VirtualMachine' && object.spec !== undefined) object.spec = relabelTemplates(object.spec, runId);
    return { ...m, object };
  });
}

type Labelled = { metadata?: { labels?: Record<string, string> } };

/** A copy of a VM's spec whose template and DataVolume templates carry the run's labels (the input is left as is). */
function relabelTemplates(given: unknown, runId: string): unknown {
  if (!given || typeof given !== 'object') return given;
  const spec = given as { template?: Labelled; dataVolumeTemplates?: Labelled[] };
  const relabel = <T extends Labelled>(t: T): T => ({ ...t, metadata: { ...t.metadata, labels: { ...t.metadata?.labels, [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RUN_ID]: runId } } });
  return {
    ...spec,
    ...(spec.template ? { template: relabel(spec.template) } : {}),
    ...(Array.isArray(spec.dataVolumeTemplates) ? { dataVolumeTemplates: spec.dataVolumeTemplates.map(relabel) } : {}),
  };
}

/**
 * Copies of `manifests` moved into `namespace` (`-n`): namespaced objects get it as metadata.namespace, Namespace
 * objects are renamed to it (and collapse into one). `isNamespaced(m)` says which objects are namespaced.
 */
export function relocate(manifests: readonly Manifest[], namespace: string, isNamespaced: (m: Manifest) => boolean): Manifest[] {
  checkDnsLabel('--namespace', namespace);
  let namespaceSeen = false;
  const out: Manifest[] = [];
  for (const m of manifests) {
    const object: ManifestObject = { ...m.object, metadata: { ...m.object.metadata } }; // only metadata changes
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') {
      if (namespaceSeen) continue;
      namespaceSeen = true;
      object.metadata.name = namespace;
    } else if (isNamespaced(m)) {
      object.metadata.namespace = namespace;
    }
    out.push({ ...m, object });
  }
  return out;
}

/**
 * Copies of `manifests` where every namespaced object without a metadata.namespace gets `namespace` (the context's,
 * else `virtwork`, as kubectl fills in the context's); the others are unchanged.
 */
export function fillNamespace(manifests: readonly Manifest[], namespace: string, isNamespaced: (m: Manifest) => boolean): Manifest[] {
  return manifests.map((m) => (m.object.metadata.namespace !== undefined || !isNamespaced(m) ? m
    : { ...m, object: { ...m.object, metadata: { ...m.object.metadata, namespace } } }));
}
