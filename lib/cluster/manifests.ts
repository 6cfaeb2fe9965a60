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
  const unique = uniqueness();
  for (const file of files) {
    if (options.signal?.aborted) throw new CancelledError();
    for (const manifest of parseManifestText(await readManifestFile(file, options.limits), file)) manifests.push(unique(manifest));
  }
  return manifests;
}

/** `manifests`, or an error naming the first object defined twice and where it was defined first. */
export function checkUnique(manifests: Manifest[]): Manifest[] {
  manifests.forEach(uniqueness());
  return manifests;
}

/** A check that passes each manifest through, failing on one that defines an object a manifest before it defined. */
function uniqueness(): (manifest: Manifest) => Manifest {
  const seen = new Map<string, Manifest>();
  return (manifest) => {
    const { apiVersion, kind, metadata } = manifest.object;
    const key = [groupOf(apiVersion), kind, metadata.namespace ?? '', metadata.name].join('|');
    const previous = seen.get(key);
    if (previous) {
      throw new VirtworkError(`${sourceOf(manifest)}: ${describeObject(manifest.object)} is also defined in ${sourceOf(previous)}`);
    }
    seen.set(key, manifest);
    return manifest;
  };
}

/** Parses one manifest file's text (`file` names it in errors). Empty documents are skipped. */
export function parseManifestText(text: string, file: string): Manifest[] {
  return parseManifestPart(text, file).manifests;
}

/**
 * Parses a text of whole YAML documents: the objects, numbered from document `first` on, and how many documents the
 * text holds (empty ones included), so that the next part of the same file can be numbered on.
 */
export function parseManifestPart(text: string, file: string, first = 1): { manifests: Manifest[]; documents: number } {
  const manifests: Manifest[] = [];
  const docs = parseAllDocuments(text);
  docs.forEach((doc, i) => {
    const document = first + i;
    const where = `${file} document ${document}`;
    if (doc.errors.length > 0) throw new VirtworkError(`${where}: invalid YAML: ${clip(doc.errors[0].message.split('\n')[0])}`);
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      // an alias without its anchor, or one that expands too far (a "billion laughs"), fails only here
      throw new VirtworkError(`${where}: invalid YAML: ${clip((err as Error).message.split('\n')[0])}`, { cause: err });
    }
    if (value === null || value === undefined) return;
    for (const object of expandList(value, where)) manifests.push({ file, document, object: checkObject(object, where) });
  });
  return { manifests, documents: docs.length };
}

/** Characters of manifest text that {@link manifestParts} puts in one part, about. */
export const PART_CHARS = 64 * 1024;

/**
 * Cuts the text of a manifest file into parts of whole YAML documents, each of about `size` characters or more,
 * that parse one by one into exactly the documents the whole text parses into, in order (so that two threads can
 * share the parse of one large file). A cut is made only just before a document start marker: a line that is `---`
 * alone or followed by a space or tab. YAML ends whatever is open at such a line (a block scalar, a quoted scalar, a
 * flow collection: the last two as an error, which the part before the cut then has). The first cut comes after a
 * line of content (neither blank nor a comment), since a part of comments alone holds no document. A text with a
 * directive (a line starting with `%`), which applies to the documents after it, is never cut.
 */
export function manifestParts(text: string, size = PART_CHARS): string[] {
  if (text.length <= size || text.startsWith('%') || text.includes('\n%')) return [text];
  const parts: string[] = [];
  let start = 0;
  let from = size;
  while (from < text.length) {
    const at = text.indexOf('\n---', from - 1);
    if (at < 0) break;
    const after = text.charCodeAt(at + 4);
    const marker = Number.isNaN(after) || after === 0x0a || after === 0x0d || after === 0x20 || after === 0x09;
    if (marker && (start > 0 || hasContent(text.slice(0, at)))) {
      parts.push(text.slice(start, at + 1));
      start = at + 1;
      from = start + size;
    } else {
      from = at + 2;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether a YAML text has a line that is neither blank nor a comment. */
function hasContent(text: string): boolean {
  return text.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
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
