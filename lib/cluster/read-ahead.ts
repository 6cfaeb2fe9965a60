import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from './_cancelled';
import { Manifest, ReadOptions, readManifests } from './manifests';

// Reading the manifests of `virtwork-apply apply` ahead, in a worker thread, while the main thread still loads the
// cluster modules: @kubernetes/client-node alone takes ~0.35 s to load, about as long as parsing the YAML of 1,000
// objects, and the second core is idle meanwhile. The path is guessed from the raw arguments before the program is
// built; what the worker read is used only when `apply` then reads exactly that path with the default walk, and a
// failure of the worker is never reported: the ordinary read runs and reports it.

/** What the worker answers. */
export interface ReadAheadAnswer {
  readonly ok: boolean;
  readonly manifests?: Manifest[];
  /** The onSkip notices of the walk, in order: `[file, why]`. */
  readonly skipped?: ReadonlyArray<readonly [string, string]>;
}

interface Ahead {
  readonly dir: string;
  readonly worker: Worker;
  readonly answer: Promise<ReadAheadAnswer | undefined>;
}

let pending: Ahead | undefined;

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
  const answer = new Promise<ReadAheadAnswer | undefined>((resolve) => {
    worker.once('message', (m: ReadAheadAnswer) => resolve(m.ok ? m : undefined));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  pending = { dir, worker, answer };
}

/**
 * The manifests read ahead for `dir`, with the walk's notices replayed to `options.onSkip`; undefined when nothing
 * was read ahead, or another path, or with other walk limits, or the worker failed. Taken once.
 */
export async function takeReadAhead(dir: string, options: ReadOptions = {}): Promise<Manifest[] | undefined> {
  const ahead = pending;
  pending = undefined;
  if (!ahead) return undefined;
  if (ahead.dir !== dir || options.limits !== undefined) {
    void ahead.worker.terminate();
    return undefined;
  }
  ahead.worker.ref(); // the process must not end while only the worker is working
  const signal = options.signal;
  const cancelled = new Promise<'cancelled'>((resolve) => signal?.addEventListener('abort', () => resolve('cancelled'), { once: true }));
  const answer = signal?.aborted ? 'cancelled' : await Promise.race([ahead.answer, cancelled]);
  void ahead.worker.terminate();
  if (answer === 'cancelled') throw new CancelledError();
  if (!answer?.manifests) return undefined;
  for (const [file, why] of answer.skipped ?? []) options.onSkip?.(file, why);
  return answer.manifests;
}

/** {@link readManifests}, from the read-ahead when it read `dir`. */
export async function readManifestsAhead(dir: string, options: ReadOptions = {}): Promise<Manifest[]> {
  return (await takeReadAhead(dir, options)) ?? readManifests(dir, options);
}
