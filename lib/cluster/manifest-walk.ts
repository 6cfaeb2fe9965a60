import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { CancelledError } from './_cancelled';

/** How far the walk of a manifest directory may go before it stops with an error. */
export interface WalkLimits {
  /**
   * Directory levels below the one given.
   * @default 16
   */
  readonly maxDepth?: number;
  /**
   * Manifest files in all.
   * @default 10000
   */
  readonly maxFiles?: number;
  /**
   * Bytes of one manifest file.
   * @default 64 MiB
   */
  readonly maxFileBytes?: number;
}

/** The limits `virtwork-apply` uses. */
export const DEFAULT_WALK_LIMITS: Required<WalkLimits> = { maxDepth: 16, maxFiles: 10_000, maxFileBytes: 64 * 1024 * 1024 };

/** Options of {@link manifestFiles}. */
export interface WalkOptions {
  readonly limits?: WalkLimits;
  /** Stops the walk (CancelledError) between two directories or files. */
  readonly signal?: AbortSignal;
  /** Hears each entry left out on purpose (a symbolic link to a directory: never followed). */
  readonly onSkip?: (file: string, why: string) => void;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** Kustomize's own file (`kustomization.yaml`, as `virtwork synth` writes it): not a Kubernetes object. */
const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;

/** `text`, cut to `max` characters with a note of how much was left out: what an error may quote. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * The manifest files of a directory (every `*.yaml`, `*.yml` and `*.json` below it but `kustomization.yaml` and
 * hidden entries, in sorted path order) or the file itself. Asynchronous and bounded: symbolic links to
 * directories are never followed (so a link back into the tree cannot loop), links to files are; a link loop, a
 * tree deeper than `maxDepth` or holding more than `maxFiles` files is one clear error.
 */
export async function manifestFiles(dirOrFile: string, options: WalkOptions = {}): Promise<string[]> {
  const limits = { ...DEFAULT_WALK_LIMITS, ...options.limits };
  const stat = await statOf(dirOrFile);
  if (stat === 'missing') throw new VirtworkError(`manifest directory ${show(dirOrFile)} does not exist (run \`virtwork synth\` to create it, or name another directory)`);
  if (stat.isFile()) return [dirOrFile];
  if (!stat.isDirectory()) throw new VirtworkError(`${show(dirOrFile)} is neither a manifest file nor a directory`);
  const found: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (options.signal?.aborted) throw new CancelledError();
    const entries = await fs.promises.readdir(path.join(dirOrFile, rel), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      throw new VirtworkError(`${path.join(dirOrFile, rel)}: cannot read the directory: ${err.code ?? err.message}`, { cause: err });
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const child = rel === '' ? entry.name : path.join(rel, entry.name);
      const full = path.join(dirOrFile, child);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await statOf(full);
        if (target === 'missing') continue; // a dangling link is not a manifest
        if (target.isDirectory()) {
          options.onSkip?.(full, 'a symbolic link to a directory (not followed)');
          continue;
        }
        isDir = false;
        isFile = target.isFile();
      }
      if (isDir) {
        if (depth >= limits.maxDepth) throw new VirtworkError(`${full}: the manifest directory is more than ${limits.maxDepth} levels deep`);
        await walk(child, depth + 1);
      } else if (isFile && MANIFEST_FILE.test(entry.name) && !KUSTOMIZATION_FILE.test(entry.name)) {
        found.push(child);
        if (found.length > limits.maxFiles) throw new VirtworkError(`manifest directory ${show(dirOrFile)} holds more than ${limits.maxFiles} manifest files`);
      }
    }
  };
  await walk('', 0);
  if (found.length === 0) throw new VirtworkError(`manifest directory ${show(dirOrFile)} holds no *.yaml, *.yml or *.json file`);
  return found.sort().map((f) => path.join(dirOrFile, f));
}

/**
 * The text of one manifest file, or one clear error: larger than `maxFileBytes`, binary (NUL bytes), not UTF-8, or a
 * symbolic link loop.
 */
export async function readManifestFile(file: string, limits: WalkLimits = {}): Promise<string> {
  const { maxFileBytes } = { ...DEFAULT_WALK_LIMITS, ...limits };
  const stat = await statOf(file);
  if (stat === 'missing') throw new VirtworkError(`${file}: no such file`);
  if (stat.size > maxFileBytes) {
    throw new VirtworkError(`${file}: ${stat.size} bytes is more than a manifest file may hold (${maxFileBytes / 1024 / 1024} MiB)`);
  }
  const bytes = await fs.promises.readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new VirtworkError(`${file}: cannot be read: ${err.code ?? err.message}`, { cause: err });
  });
  if (bytes.includes(0)) throw new VirtworkError(`${file}: not a text file (it holds NUL bytes), so not a YAML or JSON manifest`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new VirtworkError(`${file}: not UTF-8 text, so not a YAML or JSON manifest`);
  }
}

/** stat (following links), `missing` for ENOENT; a link loop is one clear error. */
async function statOf(file: string): Promise<fs.Stats | 'missing'> {
  try {
    return await fs.promises.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (code === 'ELOOP') throw new VirtworkError(`${file}: a loop of symbolic links (ELOOP): it points back to itself`, { cause: err });
    throw new VirtworkError(`${file}: cannot be read: ${code ?? (err as Error).message}`, { cause: err });
  }
}
