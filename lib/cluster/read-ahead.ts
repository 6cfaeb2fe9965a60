import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from './_cancelled';
import { checkUnique, Manifest, parseManifestPart, ReadOptions, readManifests } from './manifests';

// Reading the manifests of `virtwork-apply apply` ahead, in a worker thread, while the main thread still loads the
// cluster modules (~0.25 s), and the second core is idle meanwhile. The path is guessed from the raw arguments before
// the program is built; what was read is used only when `apply` then reads exactly that path with the default walk,
// and a failure is never reported here: the ordinary read runs and reports it.
//
// The parse is shared: the worker reads the files, cuts them into parts of whole documents (manifestParts), sends
// the parts, then parses them from the first on; when `apply` asks for the manifests, the main thread parses them
// from the last one back, until the two meet. Each part is claimed once, by either thread, through a shared array.

/** What the worker sends, in this order: `parts` (or `failed`), one `parsed` per part it parsed, `done`. */
export type ReadAheadMessage =
  | { readonly kind: 'parts'; readonly files: readonly string[]; readonly parts: readonly Part[]; readonly claims: Int32Array;
    readonly skipped: ReadonlyArray<readonly [string, string]> }
  | { readonly kind: 'parsed'; readonly index: number; readonly parsed?: ParsedPart }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed' };

/** A part of one file's text: whole documents. */
export interface Part {
  /** Index of its file in `files`. */
  readonly file: number;
  readonly text: string;
}

/** What a part holds: its objects (documents numbered from 1 in the part) and how many documents. */
export interface ParsedPart {
  readonly manifests: Manifest[];
  readonly documents: number;
}

/** Claims of the parts: not yet claimed, parsed by the worker, parsed by the main thread. */
export const UNCLAIMED = 0;
export const BY_WORKER = 1;
const BY_MAIN = 2;

/** A part parsed, or undefined when it does not parse (the ordinary read then reports why). */
export function parsePart(part: Part, files: readonly string[]): ParsedPart | undefined {
  try {
    return parseManifestPart(part.text, files[part.file]);
  } catch {
    return undefined;
  }
}

interface Ahead {
  readonly dir: string;
  readonly worker: Worker;
  /** The worker's messages, in order, as they come. */
  readonly next: () => Promise<ReadAheadMessage | undefined>;
}

let pending: Ahead | undefined;
let share: { readonly parts: number; readonly byMain: number } | undefined;

/** How the last read-ahead taken was shared: its parts, and how many of them the main thread parsed (tests, bench). */
export function lastReadAheadShare(): { readonly parts: number; readonly byMain: number } | undefined {
  return share;
}

/**
 * The manifest path `apply` is about to read, guessed from the raw arguments: the value of `-f`/`--filename`, else
 * the first argument after `apply` that is no option and names an existing file or directory, else `dist`.
 * Undefined when there is no `apply` or help is asked for. A wrong guess only costs the worker's time.
 */
export function guessApplyPath(args: readonly string[], exists: (p: string) => boolean = fs.existsSync): string | undefined {
  const at = args.indexOf('apply');
  if (at < 0 || args.includes('-h') || args.includes('--help')) return undefined;
  const rest = args.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-f' || arg === '--filename') return rest[i + 1];
    if (arg.startsWith('--filename=')) return arg.slice('--filename='.length);
    if (arg.startsWith('-f') && !arg.startsWith('--') && arg.length > 2) return arg.slice(2);
  }
  return rest.find((arg) => !arg.startsWith('-') && exists(arg)) ?? 'dist';
}

/** Starts reading the manifests of an `apply` in `args` in a worker thread (nothing when there is none, or no worker). */
export function startReadAhead(args: readonly string[]): void {
  const dir = guessApplyPath(args);
  if (dir === undefined || dir === '' || !fs.existsSync(dir)) return;
  let worker: Worker;
  try {
    if (__filename.endsWith('.js')) {
      worker = new Worker(path.join(__dirname, '_read-ahead-worker.js'), { workerData: dir });
    } else {
      // From the sources (tsx, jest) the worker is TypeScript too: it registers tsx's require hook first.
      const file = path.join(__dirname, '_read-ahead-worker.ts');
      worker = new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData: dir });
    }
  } catch {
    return;
  }
  worker.unref();
  const queue: Array<ReadAheadMessage | undefined> = [];
  let wake: (() => void) | undefined;
  const push = (m: ReadAheadMessage | undefined): void => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.once('error', () => push(undefined));
  worker.once('exit', () => push(undefined));
  const next = async (): Promise<ReadAheadMessage | undefined> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    return queue.shift();
  };
  pending = { dir, worker, next };
}

/**
 * The manifests read ahead for `dir`, with the walk's notices replayed to `options.onSkip`; undefined when nothing
 * was read ahead, or another path, or with other walk limits, or the read or a parse failed. Taken once. The main
 * thread parses the parts the worker has not claimed yet, from the last one back.
 */
export async function takeReadAhead(dir: string, options: ReadOptions = {}): Promise<Manifest[] | undefined> {
  const ahead = pending;
  pending = undefined;
  if (!ahead) return undefined;
  const { worker, next } = ahead;
  try {
    if (ahead.dir !== dir || options.limits !== undefined) return undefined;
    worker.ref(); // the process must not end while only the worker is working
    const signal = options.signal;
    const cancelled = new Promise<'cancelled'>((resolve) => signal?.addEventListener('abort', () => resolve('cancelled'), { once: true }));
    const take = async (): Promise<ReadAheadMessage | undefined> => {
      const m = signal?.aborted ? 'cancelled' : await Promise.race([next(), cancelled]);
      if (m === 'cancelled') throw new CancelledError();
      return m;
    };
    const first = await take();
    if (first?.kind !== 'parts') return undefined;
    const { files, parts, claims } = first;
    const parsed: Array<ParsedPart | undefined> = new Array(parts.length);
    let byMain = 0;
    for (let i = parts.length - 1; i >= 0 && Atomics.compareExchange(claims, i, UNCLAIMED, BY_MAIN) === UNCLAIMED; i--, byMain++) {
      parsed[i] = parsePart(parts[i], files);
      if (!parsed[i]) return undefined;
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets a cancellation in
      if (signal?.aborted) throw new CancelledError();
    }
    for (let m = await take(); m?.kind !== 'done'; m = await take()) {
      if (m?.kind !== 'parsed' || !m.parsed) return undefined;
      parsed[m.index] = m.parsed;
    }
    const manifests: Manifest[] = [];
    const documents = new Map<number, number>(); // documents of each file before the part
    parts.forEach((part, i) => {
      const before = documents.get(part.file) ?? 0;
      const { manifests: objects, documents: count } = parsed[i]!;
      for (const m of objects) manifests.push(before === 0 ? m : { ...m, document: m.document + before });
      documents.set(part.file, before + count);
    });
    try {
      checkUnique(manifests);
    } catch {
      return undefined;
    }
    for (const [file, why] of first.skipped) options.onSkip?.(file, why);
    share = { parts: parts.length, byMain };
    return manifests;
  } finally {
    void worker.terminate();
  }
}

/** {@link readManifests}, from the read-ahead when it read `dir`. */
export async function readManifestsAhead(dir: string, options: ReadOptions = {}): Promise<Manifest[]> {
  return (await takeReadAhead(dir, options)) ?? readManifests(dir, options);
}
