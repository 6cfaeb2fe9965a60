import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { VirtualMachine } from './virtual-machine';

/** Annotation: the virtwork version that synthesized the object. */
export const ANNOTATION_VERSION = 'virtwork/version';
/** Annotation: hash of the workload's name and resolved params (see {@link paramsHash}). */
export const ANNOTATION_PARAMS_HASH = 'virtwork/params-hash';

/** Where an object came from: the virtwork version and, for workload objects, the params hash. */
export interface Provenance {
  /** virtwork version (package.json `version`, read at the edge and passed in). */
  readonly version: string;
  /** {@link paramsHash} of the workload; left out for objects of no workload (the Namespace). */
  readonly paramsHash?: string;
}

/**
 * JSON with object keys sorted at every level, so that equal values always give equal text (key order in the
 * configuration or in code never changes a hash).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `sha256:` and the first 16 hex digits of the SHA-256 of the canonical JSON of `{workload, params}`: the same
 * resolved params (defaults filled in, whatever their order or spelling) always give the same hash, so a dashboard
 * can group signals by configuration.
 */
export function paramsHash(workload: string, params: Readonly<Record<string, unknown>>): string {
  const digest = createHash('sha256').update(canonicalJson({ workload, params })).digest('hex');
  return `sha256:${digest.slice(0, 16)}`;
}

/** The annotations of a provenance. */
export function provenanceAnnotations(p: Provenance): Record<string, string> {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,62}$/.test(p.version)) {
    throw new VirtworkError(`provenance: version must look like a package version (e.g. 1.2.3), got ${show(p.version)}`);
  }
  return { [ANNOTATION_VERSION]: p.version, ...(p.paramsHash !== undefined ? { [ANNOTATION_PARAMS_HASH]: p.paramsHash } : {}) };
}

/**
 * Annotates every object under `scope` with its provenance: each VirtualMachine construct on all its objects (VM,
 * VMI template, DataVolume templates, user-data object), every other ApiObject on its metadata. `virtwork synth`
 * calls it for each workload; cdk8s authors call it on their own charts.
 */
export function addProvenance(scope: IConstruct, p: Provenance): void {
  const annotations = Object.entries(provenanceAnnotations(p));
  for (const c of scope.node.findAll()) {
    if (c instanceof VirtualMachine) {
      for (const [k, v] of annotations) c.addAnnotation(k, v);
    } else if (c instanceof ApiObject && !insideVirtualMachine(c)) {
      for (const [k, v] of annotations) c.metadata.addAnnotation(k, v);
    }
  }
}

function insideVirtualMachine(c: Construct): boolean {
  return c.node.scopes.some((s) => s instanceof VirtualMachine);
}
