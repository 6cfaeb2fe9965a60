import { parseAllDocuments } from 'yaml';
import { VirtworkError, show } from '../core/errors';
import { CancelledError } from './_cancelled';
import { clip, manifestFiles, readManifestFile, WalkOptions } from './manifest-walk';

/** `show(value)` cut to 200 characters: an error never quotes a whole file. */
function showClipped(value: unknown): string {
  return clip(show(value));
}

/** A Kubernetes object as read from a manifest file. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** One object and where it came from. */
export interface Manifest {
  /** File it was read from, as given (relative to the working directory when the directory was). */
  readonly file: string;
  /** 1-based position of its YAML document in the file. */
  readonly document: number;
  /** The object. */
  readonly object: ManifestObject;
}

/** `dist/cpu.yaml document 2`: where a manifest came from, for messages. */
export function sourceOf(manifest: Pick<Manifest, 'file' | 'document'>): string {
  return `${manifest.file} document ${manifest.document}`;
}

/** `VirtualMachine virtwork/virtwork-cpu-0`: an object's kind and name, for messages. */
export function describeObject(obj: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? '?'} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? '?'}`;
}

/** The API group of an apiVersion (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Options of {@link readManifests}. */
export type ReadOptions = WalkOptions;

/**
 * Reads every object of a manifest directory ({@link manifestFiles}: every `*.yaml`, `*.yml` and `*.json` below it
 * but `kustomization.yaml`, in sorted path order, never through a symbolic link to a directory, within the walk
 * limits) or of a single file: multi-document files, `kind: List` expanded. Interruptible between files
 * (`signal`). Errors name the file and the document, in one line that quotes at most 200 characters of the input.
 */
export async function readManifests(dirOrFile: string, options: ReadOptions = {}): Promise<Manifest[]> {
  const files = await manifestFiles(dirOrFile, options);
  const manifests: Manifest[] = [];
  const seen = new Map<string, Manifest>();
  for (const file of files) {
    if (options.signal?.aborted) throw new CancelledError();
    for (const manifest of parseManifestText(await readManifestFile(file, options.limits), file)) {
      const { apiVersion, kind, metadata } = manifest.object;
      const key = [groupOf(apiVersion), kind, metadata.namespace ?? '', metadata.name].join('|');
      const previous = seen.get(key);
      if (previous) {
        throw new VirtworkError(`${sourceOf(manifest)}: ${describeObject(manifest.object)} is also defined in ${sourceOf(previous)}`);
      }
      seen.set(key, manifest);
      manifests.push(manifest);
    }
  }
  return manifests;
}

/** Parses one manifest file's text (`file` names it in errors). Empty documents are skipped. */
export function parseManifestText(text: string, file: string): Manifest[] {
  const manifests: Manifest[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const document = i + 1;
    const where = `${file} document ${document}`;
    if (doc.errors.length > 0) throw new VirtworkError(`${where}: invalid YAML: ${clip(doc.errors[0].message.split('\n')[0])}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    for (const object of expandList(value, where)) manifests.push({ file, document, object: checkObject(object, where) });
  });
  return manifests;
}

function expandList(value: unknown, where: string): unknown[] {
  const obj = value as { kind?: unknown; items?: unknown };
  if (obj && typeof obj === 'object' && typeof obj.kind === 'string' && obj.kind.endsWith('List') && 'items' in obj) {
    if (!Array.isArray(obj.items)) throw new VirtworkError(`${where}: ${obj.kind}.items must be a list, got ${showClipped(obj.items)}`);
    return obj.items;
  }
  return [value];
}

function checkObject(value: unknown, where: string): ManifestObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new VirtworkError(`${where}: expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), got ${showClipped(value)}`);
  }
  const obj = value as Partial<ManifestObject>;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof obj[field] !== 'string' || obj[field] === '') {
      throw new VirtworkError(`${where}: ${field} must be a non-empty string, got ${showClipped(obj[field])}`);
    }
  }
  if (!obj.metadata || typeof obj.metadata !== 'object' || typeof obj.metadata.name !== 'string' || obj.metadata.name === '') {
    throw new VirtworkError(`${where}: ${obj.kind}: metadata.name must be a non-empty string, got ${showClipped(obj.metadata?.name)}`);
  }
  const labels = obj.metadata.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string'))) {
    throw new VirtworkError(`${where}: ${obj.kind} ${obj.metadata.name}: metadata.labels must map strings to strings, got ${showClipped(labels)}`);
  }
  return obj as ManifestObject;
}
