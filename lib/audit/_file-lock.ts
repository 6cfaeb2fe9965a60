import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** A lock older than this is considered left behind by a dead process and broken. */
export const STALE_LOCK_MS = 30_000;

const _sleeper = new Int32Array(new SharedArrayBuffer(4));

function _sleepSync(ms: number): void {
  Atomics.wait(_sleeper, 0, 0, ms);
}

/**
 * Runs `body` while holding `<file>.lock`, an exclusive lock file created with O_EXCL; waits (polling) up to
 * `timeoutMs` for another holder; breaks a lock older than {@link STALE_LOCK_MS}. Synchronous on purpose: the
 * critical section (read, merge, write, rename) takes milliseconds and must also run from a signal handler.
 */
export function withFileLockSync<T>(file: string, timeoutMs: number, body: () => T, now: () => number = Date.now): T {
  const lock = `${file}.lock`;
  const deadline = now() + timeoutMs;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (_isStale(lock, now())) {
        _unlinkQuietly(lock);
        continue;
      }
      if (now() >= deadline) {
        throw new Error(`${lock} is held by another process (waited ${timeoutMs} ms; remove it if no virtwork-apply is running)`);
      }
      _sleepSync(20);
    }
  }
  try {
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return body();
  } finally {
    _unlinkQuietly(lock);
  }
}

function _isStale(lock: string, nowMs: number): boolean {
  try {
    return nowMs - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // vanished between open and stat: simply retry
  }
}

function _unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
