import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { AuditLog, defaultAuditPath, DEFAULT_HISTORY_LIMIT } from '../../lib/audit/audit-log';
import { SCHEMA_VERSION } from '../../lib/audit/schema';
import { fakeClock, tempDir } from './_support';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'nested', 'dir', 'audit.sqlite');
});
afterEach(() => tmp.cleanup());

const clock = () => fakeClock('2025-03-01T10:00:00.000Z', 1.5);

/** Reads the file with sql.js directly, as another tool would. */
async function rawRows(path: string, sql: string): Promise<unknown[][]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(path));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

/** An apply of 2 VMs (one not ready) and the cleanup of the same run id, as virtwork-apply records them. */
function recordApplyAndCleanup(log: AuditLog): void {
  const apply = log.startRun({ runId: 'run-1', command: 'apply', context: 'kind-dev', namespace: 'load', dir: 'dist' });
  log.recordObjects(apply, 'applied', 'VirtualMachine', 2);
  log.recordObjects(apply, 'applied', 'Secret', 2);
  log.recordObjects(apply, 'unchanged', 'Service', 1);
  log.recordVm(apply, { name: 'virtwork-cpu-0', workload: 'cpu', ready: true, secondsToReady: 42.5, phase: 'Running' });
  log.recordVm(apply, { name: 'virtwork-tps-server-0', workload: 'tps', role: 'server', ready: false, phase: 'Scheduling', reason: 'timed out after 600 s' });
  log.finishRun(apply, 'failed', '1 VM not ready');
  const cleanup = log.startRun({ runId: 'run-1', command: 'cleanup', context: 'kind-dev', namespace: 'load' });
  log.recordObjects(cleanup, 'deleted', 'VirtualMachine', 2);
  log.recordObjects(cleanup, 'deleted', 'Secret', 2);
  log.finishRun(cleanup, 'success');
}

describe('AuditLog.open', () => {
  it('creates the directory, the file and the schema, private to the user', async () => {
    // GIVEN no file  WHEN opened
    const log = await AuditLog.open(file);
    await log.close();
    // THEN the file holds the current schema version and the three tables
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp.dir, 'nested', 'dir')).mode & 0o777).toBe(0o700);
    expect(await rawRows(file, 'SELECT version FROM schema_version')).toEqual([[SCHEMA_VERSION]]);
    const tables = await rawRows(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.flat()).toEqual(['executions', 'object_counts', 'schema_version', 'vms']);
  });

  it('does not create anything when opened read-only', async () => {
    const log = await AuditLog.open(file, { readOnly: true });
    expect(log.listRuns()).toEqual([]);
    expect(log.getRun('x')).toBeUndefined();
    await log.close();
    expect(existsSync(join(tmp.dir, 'nested'))).toBe(false);
  });

  it('fails when the file is not an SQLite database', async () => {
    // GIVEN a file with other content
    const bad = join(tmp.dir, 'notes.txt');
    writeFileSync(bad, 'these are my notes, not a database'.repeat(40));
    // WHEN opened THEN one clear error names the file and the way out
    await expect(AuditLog.open(bad)).rejects.toThrow(
      `audit file ${bad}: cannot read it: it is not a virtwork audit file (SQLite); move it away, or use --audit-db <file> or --no-audit`,
    );
    expect(readFileSync(bad, 'utf8')).toContain('these are my notes');
  });

  it('fails when the directory cannot be created', async () => {
    const blocker = join(tmp.dir, 'blocker');
    writeFileSync(blocker, '');
    await expect(AuditLog.open(join(blocker, 'audit.sqlite'))).rejects.toThrow(`audit file ${join(blocker, 'audit.sqlite')}: cannot create its directory: `);
  });
});

describe('AuditLog recording', () => {
  it('records every execution of a run id with per-kind counts, VM readiness, timings and outcome', async () => {
    // GIVEN an apply and a cleanup recorded, then the file closed and reopened
    const log = await AuditLog.open(file, { clock: clock() });
    recordApplyAndCleanup(log);
    await log.close();
    const reopened = await AuditLog.open(file, { readOnly: true });
    // WHEN the run is read back
    const run = reopened.getRun('run-1');
    await reopened.close();
    // THEN both executions are there, oldest first
    expect(run).toMatchSnapshot();
    expect(run!.executions.map((e) => [e.command, e.outcome])).toEqual([
      ['apply', 'failed'],
      ['cleanup', 'success'],
    ]);
    const [apply, cleanup] = run!.executions;
    expect(apply).toMatchObject({
      context: 'kind-dev',
      namespace: 'load',
      dir: 'dist',
      error: '1 VM not ready',
      objects: { applied: 4, unchanged: 1, deleted: 0, failed: 0 },
      vmsTotal: 2,
      vmsReady: 1,
    });
    // clock readings: start, 2 VMs, finish → 3 steps of 1.5 s
    expect(apply.durationSeconds).toBe(4.5);
    expect(apply.vms.find((v) => v.name === 'virtwork-tps-server-0')).toEqual({
      name: 'virtwork-tps-server-0',
      workload: 'tps',
      role: 'server',
      ready: false,
      phase: 'Scheduling',
      reason: 'timed out after 600 s',
    });
    expect(cleanup.kinds).toEqual([
      { kind: 'Secret', action: 'deleted', count: 2 },
      { kind: 'VirtualMachine', action: 'deleted', count: 2 },
    ]);
    expect(cleanup.dir).toBeUndefined();
  });

  it('adds up counts recorded several times for one kind, and keeps the latest state of a VM', async () => {
    const log = await AuditLog.open(file);
    const run = log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' });
    log.recordObjects(run, 'applied', 'VirtualMachine', 3);
    log.recordObjects(run, 'applied', 'VirtualMachine', 4);
    log.recordVm(run, { name: 'vm-0', ready: false, phase: 'Pending' });
    log.recordVm(run, { name: 'vm-0', ready: true, secondsToReady: 10, phase: 'Running' });
    log.finishRun(run, 'success');
    const [execution] = log.getRun('r')!.executions;
    await log.close();
    expect(execution.kinds).toEqual([{ kind: 'VirtualMachine', action: 'applied', count: 7 }]);
    expect(execution.vms).toEqual([{ name: 'vm-0', ready: true, secondsToReady: 10, phase: 'Running' }]);
  });

  it('records a fleet-sized apply (2,000 VMs) and reads it back', async () => {
    // GIVEN an apply of 2,000 VMs, one in ten not ready
    const log = await AuditLog.open(file);
    const run = log.startRun({ runId: 'fleet', command: 'apply', namespace: 'ns' });
    for (let i = 0; i < 2000; i++) log.recordVm(run, { name: `virtwork-cpu-${i}`, workload: 'cpu', ready: i % 10 !== 0, secondsToReady: i % 10 ? 30 : undefined });
    log.recordObjects(run, 'applied', 'VirtualMachine', 2000);
    log.finishRun(run, 'failed', '200 VMs not ready');
    await log.close();
    // WHEN read back from the file
    const reader = await AuditLog.open(file, { readOnly: true });
    const [execution] = reader.getRun('fleet')!.executions;
    await reader.close();
    // THEN every VM is there
    expect(execution).toMatchObject({ vmsTotal: 2000, vmsReady: 1800, objects: { applied: 2000 } });
    expect(execution.vms.filter((v) => !v.ready)).toHaveLength(200);
  });

  it('lists executions newest first, limited', async () => {
    // GIVEN 25 executions
    const log = await AuditLog.open(file, { clock: clock() });
    for (let i = 0; i < 25; i++) log.finishRun(log.startRun({ runId: `run-${i}`, command: 'apply', namespace: 'ns' }), 'success');
    // WHEN listed THEN the default limit applies, newest first, and an explicit limit is honoured
    expect(log.listRuns().map((r) => r.runId)).toEqual(Array.from({ length: DEFAULT_HISTORY_LIMIT }, (_, i) => `run-${24 - i}`));
    expect(log.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['run-24', 'run-23']);
    expect(log.runIds(3)).toEqual(['run-24', 'run-23', 'run-22']);
    await log.close();
  });

  it('saves the start of an execution at once, so a killed process leaves an in_progress row', async () => {
    // GIVEN an execution started and never finished nor closed (the process died)
    const log = await AuditLog.open(file, { clock: clock() });
    log.startRun({ runId: 'killed', command: 'apply', namespace: 'ns' });
    // THEN another reader sees it in progress
    const reader = await AuditLog.open(file, { readOnly: true });
    expect(reader.listRuns()).toEqual([
      expect.objectContaining({ runId: 'killed', outcome: 'in_progress', startedAt: '2025-03-01T10:00:00.000Z' }),
    ]);
    expect(reader.listRuns()[0].finishedAt).toBeUndefined();
    await reader.close();
    await log.close();
  });

  it('saves a cancelled outcome synchronously in finishRun (a signal handler may exit right after)', async () => {
    const log = await AuditLog.open(file);
    log.finishRun(log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' }), 'cancelled', 'interrupted by SIGINT');
    // no close(): read the file as it is on disk
    expect(await rawRows(file, 'SELECT outcome, error FROM executions')).toEqual([['cancelled', 'interrupted by SIGINT']]);
    await log.close();
  });

  it('leaves no temporary file behind', async () => {
    const log = await AuditLog.open(file);
    recordApplyAndCleanup(log);
    await log.close();
    expect(readdirSync(join(tmp.dir, 'nested', 'dir'))).toEqual(['audit.sqlite']);
  });

  it('fails when a run handle did not come from startRun, or a count is not a non-negative integer', async () => {
    const log = await AuditLog.open(file);
    const run = log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' });
    expect(() => log.recordObjects(99, 'applied', 'Secret', 1)).toThrow('audit: unknown run handle 99 (use the number returned by startRun)');
    expect(() => log.recordObjects(run, 'applied', 'Secret', -1)).toThrow('recordObjects: count must be a non-negative integer, got -1');
    expect(() => log.recordObjects(run, 'created' as never, 'Secret', 1)).toThrow(
      'recordObjects: action must be one of applied, unchanged, deleted, failed, got "created"',
    );
    await log.close();
    expect(() => log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' })).toThrow('audit log is closed');
  });
});

describe('AuditLog credentials', () => {
  const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dmlydHdvcmsifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const ocToken = 'sha256~Xk3b9QmZp7rT2vW8yL1nC4dF6gH0jK5s';

  it('never stores a token or password found in an error, a VM reason or the command', async () => {
    // GIVEN texts that carry credentials the way client libraries print them
    const log = await AuditLog.open(file);
    const run = log.startRun({ runId: 'r', command: `apply --token ${ocToken}`, namespace: 'ns' });
    log.recordVm(run, { name: 'vm-0', ready: false, reason: `GET https://admin:hunter2pass@api.example:6443 failed, password=s3cr3t-Pa55` });
    log.finishRun(run, 'failed', `401 Unauthorized: request with header "Authorization: Bearer ${token}" rejected; kubeconfig token: ${ocToken}`);
    await log.close();
    // THEN the file holds none of them, byte for byte
    const bytes = readFileSync(file).toString('latin1');
    for (const secret of [token, ocToken, 'hunter2pass', 's3cr3t-Pa55', 'eyJhbGciOiJSUzI1NiIs']) expect(bytes).not.toContain(secret);
    // AND what is stored still says what happened
    const [[command, error]] = await rawRows(file, 'SELECT command, error FROM executions');
    expect(command).toBe('apply --token [REDACTED]');
    expect(error).toBe('401 Unauthorized: request with header "Authorization: Bearer [REDACTED]" rejected; kubeconfig token: [REDACTED]');
    expect(await rawRows(file, 'SELECT reason FROM vms')).toEqual([['GET https://admin:[REDACTED]@api.example:6443 failed, password=[REDACTED]']]);
  });
});

describe('AuditLog with several writers', () => {
  it('keeps the executions of two logs open on the same file at once (merge on save, not last writer wins)', async () => {
    // GIVEN two processes' logs opened before either wrote anything
    const a = await AuditLog.open(file, { clock: fakeClock('2025-03-01T10:00:00.000Z', 1) });
    const b = await AuditLog.open(file, { clock: fakeClock('2025-03-01T11:00:00.000Z', 1) });
    // WHEN both record interleaved executions and close in any order
    const ra = a.startRun({ runId: 'apply-a', command: 'apply', namespace: 'a' });
    const rb = b.startRun({ runId: 'apply-b', command: 'apply', namespace: 'b' });
    a.recordObjects(ra, 'applied', 'VirtualMachine', 5);
    b.recordObjects(rb, 'applied', 'VirtualMachine', 7);
    b.finishRun(rb, 'success');
    a.finishRun(ra, 'failed', 'boom');
    await b.close();
    await a.close();
    // THEN the file has both, each with its own counts
    const reader = await AuditLog.open(file, { readOnly: true });
    expect(reader.listRuns().map((r) => [r.runId, r.outcome, r.objects.applied])).toEqual([
      ['apply-b', 'success', 7],
      ['apply-a', 'failed', 5],
    ]);
    await reader.close();
  });

  it('keeps every execution written by concurrent processes', async () => {
    // GIVEN 3 processes started together, each recording 8 executions as fast as it can
    const script = join(__dirname, 'fixtures', 'write-runs.ts');
    const result = spawnSync('sh', ['-c', `for n in p1 p2 p3; do node --import tsx "${script}" "${file}" $n 8 & done; wait`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    // THEN all 24 executions are in the file, finished
    const reader = await AuditLog.open(file, { readOnly: true });
    const runs = reader.listRuns({ limit: 100 });
    await reader.close();
    expect(runs).toHaveLength(24);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(24);
    expect(runs.every((r) => r.outcome === 'success' && r.objects.applied === 3)).toBe(true);
  });
});

describe('AuditLog when saving fails', () => {
  it('warns instead of failing the command, and saves at the next chance', async () => {
    // GIVEN another process holding the lock while the execution starts
    const warnings: string[] = [];
    const log = await AuditLog.open(file, { warn: (m) => warnings.push(m), lockTimeoutMs: 50 });
    writeFileSync(`${file}.lock`, '4242\n');
    const run = log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' });
    // THEN one warning names the file and the lock; nothing is thrown
    expect(warnings).toEqual([
      `audit file ${file}: could not save (will retry): ${file}.lock is held by another process (waited 50 ms; remove it if no virtwork-apply is running)`,
    ]);
    // WHEN the lock is released THEN the next save writes everything
    rmSync(`${file}.lock`);
    log.finishRun(run, 'success');
    await log.close();
    expect(await rawRows(file, 'SELECT run_id, outcome FROM executions')).toEqual([['r', 'success']]);
  });

  it('recreates the execution when the file was removed while it ran', async () => {
    const log = await AuditLog.open(file);
    const run = log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' });
    rmSync(file);
    log.recordObjects(run, 'applied', 'Secret', 1);
    log.finishRun(run, 'success');
    await log.close();
    expect(await rawRows(file, 'SELECT e.run_id, e.outcome, o.count FROM executions e JOIN object_counts o ON o.execution_id = e.id')).toEqual([
      ['r', 'success', 1],
    ]);
  });
});

describe('defaultAuditPath', () => {
  it('uses VIRTWORK_AUDIT_DB, else $XDG_DATA_HOME/virtwork, else ~/.local/share/virtwork', () => {
    expect(defaultAuditPath({ VIRTWORK_AUDIT_DB: '/data/a.sqlite', XDG_DATA_HOME: '/x' })).toBe('/data/a.sqlite');
    expect(defaultAuditPath({ XDG_DATA_HOME: '/x/data', HOME: '/home/u' })).toBe('/x/data/virtwork/audit.sqlite');
    expect(defaultAuditPath({ HOME: '/home/u' })).toBe('/home/u/.local/share/virtwork/audit.sqlite');
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec requires', () => {
    expect(defaultAuditPath({ XDG_DATA_HOME: 'relative/dir', HOME: '/home/u' })).toBe('/home/u/.local/share/virtwork/audit.sqlite');
  });
});
