// Requests per object for the cluster half of `npm run bench` (scripts/bench-cluster.ts), counted by the API server
// itself: its audit log (test/harness/control-plane.ts `auditLog`), one JSON event per request.
import * as fs from 'node:fs';

/** A measurement and the API requests the server's audit log recorded while it ran. */
export interface Audited<T> {
  readonly result: T;
  readonly requests: number;
  readonly byVerb: Record<string, number>;
}

/** API requests the audit log `text` recorded between `from` and `to` (epoch ms, response completed), by verb. */
export function auditRequests(text: string, from: number, to: number): { total: number; byVerb: Record<string, number> } {
  const byVerb: Record<string, number> = {};
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as { stageTimestamp?: string; verb?: string };
    // RFC 3339 with microseconds: keep the milliseconds for Date.parse
    const at = Date.parse((event.stageTimestamp ?? '').replace(/(\.\d{3})\d*/, '$1'));
    if (!(at >= from && at <= to)) continue;
    total++;
    byVerb[event.verb ?? '?'] = (byVerb[event.verb ?? '?'] ?? 0) + 1;
  }
  return { total, byVerb };
}

/**
 * Runs `run`, then counts the audit log's requests of its time window (after a moment for the log to be written),
 * reading only what the log gained meanwhile: the whole log of a bench run (hundreds of MB) is never read at once.
 */
export async function audit<T>(logPath: string, run: () => T | Promise<T>): Promise<Audited<T>> {
  const offset = fs.statSync(logPath).size;
  const from = Date.now();
  const result = await run();
  const to = Date.now();
  await new Promise((r) => setTimeout(r, 500));
  const { total, byVerb } = auditRequests(readFrom(logPath, offset), from, to);
  return { result, requests: total, byVerb };
}

/** The text of `file` from byte `offset` to its end. */
function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - offset));
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
