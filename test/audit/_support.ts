import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'virtwork-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock starting at `start` that advances `stepSeconds` on every reading. */
export function fakeClock(start: string, stepSeconds: number): () => Date {
  let t = Date.parse(start) - stepSeconds * 1000;
  return () => new Date((t += stepSeconds * 1000));
}

/** Gives every test of the enclosing block a fresh `audit.sqlite` path in its own temporary directory. */
export function useTempAuditFile(onPath: (path: string) => void): void {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
    onPath(join(tmp.dir, 'audit.sqlite'));
  });
  afterEach(() => tmp.cleanup());
}
