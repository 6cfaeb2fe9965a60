import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { STALE_LOCK_MS, withFileLockSync } from '../../lib/audit/_file-lock';
import { useTempAuditFile } from './_support';

describe('withFileLockSync', () => {
  let file: string;
  useTempAuditFile((path) => (file = path));

  it('holds <file>.lock while the body runs and removes it afterwards, even when the body throws', () => {
    expect(withFileLockSync(file, 100, () => existsSync(`${file}.lock`))).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(() =>
      withFileLockSync(file, 100, () => {
        throw new Error('body failed');
      }),
    ).toThrow('body failed');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('fails when another process holds the lock past the timeout, and leaves its lock alone', () => {
    // GIVEN a fresh lock held by someone else
    writeFileSync(`${file}.lock`, '4242\n');
    const body = jest.fn();
    // WHEN we try for 60 ms THEN it gives up with a clear message and never ran the body
    expect(() => withFileLockSync(file, 60, body)).toThrow(`${file}.lock is held by another process (waited 60 ms; remove it if no virtwork-apply is running)`);
    expect(body).not.toHaveBeenCalled();
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it('breaks a lock left behind by a dead process', () => {
    // GIVEN a lock older than the stale limit
    writeFileSync(`${file}.lock`, '4242\n');
    const old = (Date.now() - STALE_LOCK_MS - 5_000) / 1000;
    utimesSync(`${file}.lock`, old, old);
    // WHEN locking THEN the body runs
    expect(withFileLockSync(file, 60, () => 'ran')).toBe('ran');
  });
});
