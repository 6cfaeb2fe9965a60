import { parentPort, workerData } from 'node:worker_threads';
import { manifestFiles, readManifestFile } from './manifest-walk';
import { manifestParts } from './manifests';
import { BY_WORKER, Part, parsePart, ReadAheadMessage, UNCLAIMED } from './read-ahead';

// The worker thread of lib/cluster/read-ahead.ts: reads the manifest files of one path with the default walk, sends
// them cut into parts, then parses the parts from the first on as long as the main thread has not claimed them, and
// sends each (or only `failed`: the main thread then reads the manifests itself and reports the error).
const post = (m: ReadAheadMessage): void => parentPort!.postMessage(m);

async function readAhead(dir: string): Promise<void> {
  const skipped: Array<[string, string]> = [];
  const files = await manifestFiles(dir, { onSkip: (file, why) => skipped.push([file, why]) });
  const parts: Part[] = [];
  for (const [file, name] of files.entries()) for (const text of manifestParts(await readManifestFile(name))) parts.push({ file, text });
  const claims = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * parts.length));
  post({ kind: 'parts', files, parts, claims, skipped });
  for (let i = 0; i < parts.length && Atomics.compareExchange(claims, i, UNCLAIMED, BY_WORKER) === UNCLAIMED; i++) {
    post({ kind: 'parsed', index: i, parsed: parsePart(parts[i], files) });
  }
  post({ kind: 'done' });
}

readAhead(workerData as string).catch(() => post({ kind: 'failed' }));
