import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { VirtworkError, show } from '../errors';

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

const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** Kustomize's own file (`kustomization.yaml`, as `virtwork synth` writes it): not a Kubernetes object. */
const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;

/**
 * Reads every object of a manifest directory (every `*.yaml`, `*.yml` and `*.json` below it but `kustomization.yaml`,
 * in sorted path order; multi-document files; `kind: List` expanded) or of a single file. Errors name the file and the document.
 */
export function readManifests(dirOrFile: string): Manifest[] {
  const files = manifestFiles(dirOrFile);
  const manifests: Manifest[] = [];
  const seen = new Map<string, Manifest>();
  for (const file of files) {
    for (const manifest of parseManifestText(fs.readFileSync(file, 'utf8'), file)) {
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

/** The manifest files of a directory (recursively, sorted) or the file itself. */
function manifestFiles(dirOrFile: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dirOrFile);
  } catch {
    throw new VirtworkError(`manifest directory ${show(dirOrFile)} does not exist (run \`virtwork synth\` to create it, or name another directory)`);
  }
  if (stat.isFile()) return [dirOrFile];
  const files = fs.readdirSync(dirOrFile, { recursive: true, encoding: 'utf8' })
    .filter((f) => MANIFEST_FILE.test(f) && !KUSTOMIZATION_FILE.test(path.basename(f)) && !f.split(path.sep).some((part) => part.startsWith('.')))
    .sort()
    .map((f) => path.join(dirOrFile, f))
    .filter((f) => fs.statSync(f).isFile());
  if (files.length === 0) throw new VirtworkError(`manifest directory ${show(dirOrFile)} holds no *.yaml, *.yml or *.json file`);
  return files;
}

/** Parses one manifest file's text (`file` names it in errors). Empty documents are skipped. */
export function parseManifestText(text: string, file: string): Manifest[] {
  const manifests: Manifest[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const document = i + 1;
    const where = `${file} document ${document}`;
    if (doc.errors.length > 0) throw new VirtworkError(`${where}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    for (const object of expandList(value, where)) manifests.push({ file, document, object: checkObject(object, where) });
  });
  return manifests;
}

function expandList(value: unknown, where: string): unknown[] {
  const obj = value as { kind?: unknown; items?: unknown };
  if (obj && typeof obj === 'object' && typeof obj.kind === 'string' && obj.kind.endsWith('List') && 'items' in obj) {
    if (!Array.isArray(obj.items)) throw new VirtworkError(`${where}: ${obj.kind}.items must be a list, got ${show(obj.items)}`);
    return obj.items;
  }
  return [value];
}

function checkObject(value: unknown, where: string): ManifestObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new VirtworkError(`${where}: expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), got ${show(value)}`);
  }
  const obj = value as Partial<ManifestObject>;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof obj[field] !== 'string' || obj[field] === '') {
      throw new VirtworkError(`${where}: ${field} must be a non-empty string, got ${show(obj[field])}`);
    }
  }
  if (!obj.metadata || typeof obj.metadata !== 'object' || typeof obj.metadata.name !== 'string' || obj.metadata.name === '') {
    throw new VirtworkError(`${where}: ${obj.kind}: metadata.name must be a non-empty string, got ${show(obj.metadata?.name)}`);
  }
  const labels = obj.metadata.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string'))) {
    throw new VirtworkError(`${where}: ${obj.kind} ${obj.metadata.name}: metadata.labels must map strings to strings, got ${show(labels)}`);
  }
  return obj as ManifestObject;
}
