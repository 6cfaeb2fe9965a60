import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { AuditLog } from '../../lib/audit/audit-log';
import { auditOptions, historyCommand } from '../../lib/cli/apply/history-command';
import { fakeClock, useTempAuditFile } from './_support';

let file: string;
useTempAuditFile((path) => (file = path));

/** Runs `virtwork-apply <args>` with the history command registered the way virtwork-apply does; returns stdout. */
async function run(...args: string[]): Promise<string> {
  let out = '';
  const history = historyCommand({ write: (text) => (out += text) }).exitOverride();
  const program = new Command('virtwork-apply').exitOverride().configureOutput({ writeErr: () => undefined });
  auditOptions().forEach((o) => program.addOption(o));
  history.configureOutput({ writeErr: () => undefined });
  await program.addCommand(history).parseAsync(['node', 'virtwork-apply', ...args]);
  return out;
}

/** Splits a text table into rows of cells (columns are separated by at least two spaces). */
function parseTable(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/ {2,}/));
}

/** An apply (3 VMs, one not ready), its cleanup, and an apply of another run; the clock ticks 30 s per record. */
async function seed(): Promise<void> {
  const log = await AuditLog.open(file, { clock: fakeClock('2025-03-01T10:00:00.000Z', 30) });
  const apply = log.startRun({ runId: 'nightly-42', command: 'apply', context: 'lab', namespace: 'load', dir: 'dist' });
  log.recordObjects(apply, 'applied', 'Secret', 3);
  log.recordObjects(apply, 'applied', 'VirtualMachine', 3);
  log.recordObjects(apply, 'unchanged', 'Service', 1);
  log.recordVm(apply, { name: 'virtwork-cpu-0', workload: 'cpu', ready: true, secondsToReady: 48.2, phase: 'Running' });
  log.recordVm(apply, { name: 'virtwork-memory-0', workload: 'memory', ready: true, secondsToReady: 63.9, phase: 'Running' });
  log.recordVm(apply, { name: 'virtwork-tps-server-0', workload: 'tps', role: 'server', ready: false, phase: 'Scheduling', reason: 'not ready after 600 s' });
  log.finishRun(apply, 'failed', '1 of 3 VMs not ready after 600 s');
  const cleanup = log.startRun({ runId: 'nightly-42', command: 'cleanup', context: 'lab', namespace: 'load' });
  log.recordObjects(cleanup, 'deleted', 'VirtualMachine', 3);
  log.recordObjects(cleanup, 'deleted', 'Secret', 3);
  log.finishRun(cleanup, 'success');
  const other = log.startRun({ runId: 'smoke-1', command: 'apply', namespace: 'default' });
  log.recordObjects(other, 'applied', 'VirtualMachine', 1);
  log.finishRun(other, 'success');
  await log.close();
}

describe('virtwork-apply history', () => {
  it('lists executions newest first in a table', async () => {
    // GIVEN three recorded executions
    await seed();
    // WHEN listed
    const text = await run('--audit-db', file, 'history');
    // THEN one row per execution, with the documented columns
    expect(text).toMatchSnapshot();
    const [head, ...rows] = parseTable(text);
    expect(head).toEqual(['RUN ID', 'COMMAND', 'STARTED (UTC)', 'DURATION', 'NAMESPACE', 'CONTEXT', 'OUTCOME', 'OBJECTS', 'VMS READY']);
    expect(rows).toEqual([
      ['smoke-1', 'apply', '2025-03-01 10:03:30', '30.0s', 'default', '-', 'success', '1 applied', '-'],
      ['nightly-42', 'cleanup', '2025-03-01 10:02:30', '30.0s', 'load', 'lab', 'success', '6 deleted', '-'],
      ['nightly-42', 'apply', '2025-03-01 10:00:00', '2m00s', 'load', 'lab', 'failed', '6 applied, 1 unchanged', '2/3'],
    ]);
  });

  it('prints JSON lines with --output json, honouring --limit', async () => {
    await seed();
    const lines = (await run('--audit-db', file, 'history', '--output', 'json', '--limit', '2')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.runId, l.command])).toEqual([
      ['smoke-1', 'apply'],
      ['nightly-42', 'cleanup'],
    ]);
    expect(lines[1]).toEqual({
      runId: 'nightly-42',
      command: 'cleanup',
      context: 'lab',
      namespace: 'load',
      outcome: 'success',
      startedAt: '2025-03-01T10:02:30.000Z',
      finishedAt: '2025-03-01T10:03:00.000Z',
      durationSeconds: 30,
      objects: { applied: 0, unchanged: 0, deleted: 6, failed: 0 },
      vmsTotal: 0,
      vmsReady: 0,
    });
  });

  it('honours the global --output of virtwork-apply', async () => {
    await seed();
    let out = '';
    const program = new Command('virtwork-apply').exitOverride().addOption(new Option('-o, --output <format>').choices(['text', 'json']));
    auditOptions().forEach((o) => program.addOption(o));
    program.addCommand(historyCommand({ write: (t) => (out += t) }).exitOverride());
    await program.parseAsync(['--audit-db', file, '-o', 'json', 'history', '--limit', '1'], { from: 'user' });
    expect(JSON.parse(out)).toMatchObject({ runId: 'smoke-1', command: 'apply' });
  });

  it('shows every execution of one run id with per-kind counts, VM readiness and the error', async () => {
    await seed();
    // WHEN one run is shown
    const text = await run('--audit-db', file, 'history', 'nightly-42');
    expect(text).toMatchSnapshot();
    // THEN the apply comes first, then the cleanup
    const [apply, cleanup] = text.split(/\n(?=\w+ of run )/);
    expect(apply.split('\n').slice(0, 4)).toEqual([
      'apply of run nightly-42: failed',
      '  started   2025-03-01 10:00:00 UTC, took 2m00s',
      '  namespace load, context lab, from dist',
      '  error     1 of 3 VMs not ready after 600 s',
    ]);
    const [kinds, vms] = apply.split('\n\n').slice(1).map(parseTable);
    expect(kinds).toEqual([
      ['KIND', 'APPLIED', 'UNCHANGED'],
      ['Secret', '3', '0'],
      ['Service', '0', '1'],
      ['VirtualMachine', '3', '0'],
    ]);
    expect(vms).toEqual([
      ['VM', 'WORKLOAD', 'ROLE', 'READY', 'TIME TO READY', 'PHASE', 'REASON'],
      ['virtwork-cpu-0', 'cpu', '-', 'yes', '48.2s', 'Running', '-'],
      ['virtwork-memory-0', 'memory', '-', 'yes', '1m03s', 'Running', '-'],
      ['virtwork-tps-server-0', 'tps', 'server', 'no', '-', 'Scheduling', 'not ready after 600 s'],
    ]);
    expect(parseTable(cleanup.split('\n\n')[1])).toEqual([
      ['KIND', 'DELETED'],
      ['Secret', '3'],
      ['VirtualMachine', '3'],
    ]);
  });

  it('shows one run id as JSON lines, one execution per line', async () => {
    await seed();
    const lines = (await run('--audit-db', file, 'history', 'nightly-42', '-o', 'json')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.command)).toEqual(['apply', 'cleanup']);
    expect(lines[0].vms).toHaveLength(3);
    expect(lines[0].kinds).toContainEqual({ kind: 'VirtualMachine', action: 'applied', count: 3 });
    expect(lines[1].kinds).toEqual([
      { kind: 'Secret', action: 'deleted', count: 3 },
      { kind: 'VirtualMachine', action: 'deleted', count: 3 },
    ]);
  });

  it('shows escape sequences and other control characters in stored text as "?", and indents multi-line errors', async () => {
    // GIVEN an error text from a hostile or broken server
    const log = await AuditLog.open(file);
    log.finishRun(log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' }), 'failed', 'line one\n\u001b]0;pwned\u0007\u001b[2Jline two');
    await log.close();
    // WHEN shown THEN no escape sequence reaches the terminal
    const text = await run('--audit-db', file, 'history', 'r');
    expect(text).not.toMatch(/[\u001b\u0007]/);
    expect(text.split('\n')[3]).toBe('  error     line one');
    expect(text.split('\n')[4]).toBe('            ?]0;pwned??[2Jline two');
  });

  it('reads the file VIRTWORK_AUDIT_DB names in its environment when --audit-db is not given', async () => {
    await seed();
    let out = '';
    const program = new Command('virtwork-apply').exitOverride();
    auditOptions().forEach((o) => program.addOption(o));
    program.addCommand(historyCommand({ write: (t) => (out += t), env: { VIRTWORK_AUDIT_DB: file } }).exitOverride());
    await program.parseAsync(['history', '--output', 'json'], { from: 'user' });
    expect(out.trim().split('\n').map((l) => JSON.parse(l).runId)).toEqual(['smoke-1', 'nightly-42', 'nightly-42']);
  });

  it('prints a helpful line for an empty history, and creates no file', async () => {
    const text = await run('--audit-db', file, 'history');
    expect(text).toBe(`no runs recorded yet in ${file} (virtwork-apply apply and cleanup record one each)\n`);
    expect(existsSync(file)).toBe(false);
    expect(await run('--audit-db', file, 'history', '--output', 'json')).toBe('');
  });

  it('fails when the run id is unknown, suggesting the closest one', async () => {
    await seed();
    await expect(run('--audit-db', file, 'history', 'nightly-24')).rejects.toThrow(
      `history: no run "nightly-24" in ${file} (did you mean "nightly-42"?); list runs with "virtwork-apply history"`,
    );
  });

  it('fails when --limit is not a positive integer', async () => {
    await expect(run('--audit-db', file, 'history', '--limit', '0')).rejects.toThrow('--limit must be a positive integer (at most 999999), got "0"');
    await expect(run('--audit-db', file, 'history', '--limit', '$(reboot)')).rejects.toThrow('--limit must be a positive integer (at most 999999), got "$(reboot)"');
  });

  it('fails when --output is not one of the output formats', async () => {
    await expect(run('--audit-db', file, 'history', '--output', 'xml')).rejects.toThrow(
      "option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are text, wide, json, yaml.",
    );
  });

  it('fails when the audit is disabled with --no-audit', async () => {
    await expect(run('--no-audit', 'history')).rejects.toThrow('history: the audit is disabled by --no-audit, so there is no history to read');
  });

  it('documents its options with examples in --help', () => {
    const help = historyCommand().helpInformation();
    let after = '';
    const cmd = historyCommand().configureOutput({ writeOut: (s) => (after += s) }).exitOverride();
    expect(() => cmd.parse(['--help'], { from: 'user' })).toThrow();
    expect(help).toMatch(/Usage: history \[options\] \[run-id\]/);
    for (const option of ['--limit <n>', '-o, --output <format>']) expect(help).toContain(option);
    expect(after).toContain('Examples:\n  $ virtwork-apply history ');
  });

  it('exits 1 with one line on stderr for an unknown run id (through runMain)', () => {
    const script = join(__dirname, 'fixtures', 'history-main.ts');
    const result = spawnSync('node', ['--import', 'tsx', script, '--audit-db', file, 'history', 'nope'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`virtwork-apply: history: no run "nope" in ${file}; list runs with "virtwork-apply history"\n`);
  });
});
