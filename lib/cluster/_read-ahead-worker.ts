import { parentPort, workerData } from 'node:worker_threads';
import { readManifests } from './manifests';
import type { ReadAheadAnswer } from './read-ahead';

// The worker thread of lib/cluster/read-ahead.ts: reads the manifests of one path with the default walk and posts
// them back (or only `ok: false`: the main thread then reads them itself and reports the error).
const skipped: Array<[string, string]> = [];
readManifests(workerData as string, { onSkip: (file, why) => skipped.push([file, why]) }).then(
  (manifests) => parentPort!.postMessage({ ok: true, manifests, skipped } satisfies ReadAheadAnswer),
  () => parentPort!.postMessage({ ok: false } satisfies ReadAheadAnswer),
);
