import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { didYouMean } from '../../core/_suggest';
import type { AuditLogOptions, RunSummary } from '../../audit/audit-log';
import { DEFAULT_HISTORY_LIMIT } from '../../audit/audit-log';
import type { AuditCliOptions } from '../../audit/open-audit';
import { openAudit } from '../../audit/open-audit';
import type { ExecutionDetail, ObjectAction } from '../../audit/types';
import { OBJECT_ACTIONS } from '../../audit/types';
import { VirtworkError } from '../../core/errors';
import { stringify } from 'yaml';
import { OUTPUT_FORMATS, OutputFormat } from './_reporter';

/** Options of `virtwork-apply history`, global ones included. */
export interface HistoryOptions extends AuditCliOptions {
  /** `--limit <n>`: how many executions to list. @default 20 */
  readonly limit?: string;
  /** `--output text|json`. @default 'text' */
  readonly output?: OutputFormat;
}

/** What `history` needs from the outside world (tests replace it). */
export interface HistoryIo {
  /** Where the output goes. @default process.stdout */
  readonly write?: (text: string) => void;
  /** Passed to `AuditLog.open` (clock, warnings). @default {} */
  readonly auditOptions?: AuditLogOptions;
  /** Environment (`VIRTWORK_AUDIT_DB`, `XDG_DATA_HOME`, `HOME`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The global options that select the audit file, for the `virtwork-apply` program:
 * `--audit-db <file>` (env `VIRTWORK_AUDIT_DB`, read by `defaultAuditPath`) and `--no-audit`.
 */
export function auditOptions(): Option[] {
  return [
    new Option('--audit-db <file>', 'SQLite audit file (default: $VIRTWORK_AUDIT_DB, else $XDG_DATA_HOME/virtwork/audit.sqlite)'),
    new Option('--no-audit', 'record nothing in the audit file'),
  ];
}

/** `virtwork-apply history [run-id]`: lists recorded executions, or shows every execution of one run id. */
export function historyCommand(io: HistoryIo = {}): Command {
  return new Command('history')
    .description('List past applies and cleanups recorded in the local audit file, or show one run in detail')
    .argument('[run-id]', 'show every execution (apply, cleanup…) recorded for this run id')
    .option('--limit <n>', `how many executions to list, newest first (default: ${DEFAULT_HISTORY_LIMIT})`)
    .addOption(new Option('-o, --output <format>', 'text (or wide) tables, JSON lines or YAML documents, one per execution (default: text)').choices([...OUTPUT_FORMATS]))
    .addHelpText(
      'after',
      `
Examples:
  $ virtwork-apply history                         # the last ${DEFAULT_HISTORY_LIMIT} applies and cleanups
  $ virtwork-apply history --limit 100 --output json | jq -r .runId
  $ virtwork-apply history 20250101-abcd           # apply + cleanup of one run: counts per kind, VM readiness
  $ virtwork-apply --audit-db ./ci-audit.sqlite history
`,
    )
    .action(async (runId: string | undefined, _opts: unknown, cmd: Command) => {
      const write = io.write ?? ((text: string) => void process.stdout.write(text));
      await runHistory(runId, cmd.optsWithGlobals<HistoryOptions>(), write, io.auditOptions, io.env);
    });
}

/** Reads the audit file and prints the list of executions or the detail of one run id. */
export async function runHistory(
  runId: string | undefined,
  opts: HistoryOptions,
  write: (text: string) => void,
  auditOptions: AuditLogOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (opts.audit === false) throw new VirtworkError('history: the audit is disabled by --no-audit, so there is no history to read');
  const limit = _parseLimit(opts.limit);
  const log = await openAudit(opts, { ...auditOptions, readOnly: true }, env);
  try {
    const json = opts.output === 'json' || opts.output === 'yaml';
    const record = (r: object): void => write(opts.output === 'yaml' ? `---\n${stringify(r)}` : `${JSON.stringify(r)}\n`);
    if (runId === undefined) {
      const runs = log.listRuns({ limit });
      if (json) runs.forEach(record);
      else if (runs.length === 0) write(`no runs recorded yet in ${log.path} (virtwork-apply apply and cleanup record one each)\n`);
      else write(_printable(_runsTable(runs)));
      return;
    }
    const run = log.getRun(runId);
    if (run === undefined) {
      throw new VirtworkError(`history: no run ${JSON.stringify(runId)} in ${log.path}${didYouMean(runId, log.runIds())}; list runs with "virtwork-apply history"`);
    }
    if (json) run.executions.forEach(record);
    else write(_printable(run.executions.map(_executionText).join('\n')));
  } finally {
    await log.close();
  }
}

/** Text for a terminal: control characters (escape sequences from a server's error text…) shown as `?`. */
function _printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

function _parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_HISTORY_LIMIT;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new VirtworkError(`--limit must be a positive integer (at most 999999), got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function _runsTable(runs: readonly RunSummary[]): string {
  const table = _table(['RUN ID', 'COMMAND', 'STARTED (UTC)', 'DURATION', 'NAMESPACE', 'CONTEXT', 'OUTCOME', 'OBJECTS', 'VMS READY']);
  for (const r of runs) {
    table.push([
      r.runId,
      r.command,
      _time(r.startedAt),
      _duration(r.durationSeconds),
      r.namespace,
      r.context ?? '-',
      r.outcome,
      _objects(r.objects),
      r.vmsTotal === 0 ? '-' : `${r.vmsReady}/${r.vmsTotal}`,
    ]);
  }
  return `${_render(table)}\n`;
}

function _executionText(e: ExecutionDetail): string {
  const lines = [
    `${e.command} of run ${e.runId}: ${e.outcome}`,
    `  started   ${_time(e.startedAt)} UTC, ${e.finishedAt === undefined ? 'not finished' : `took ${_duration(e.durationSeconds)}`}`,
    `  namespace ${e.namespace}, context ${e.context ?? '-'}${e.dir === undefined ? '' : `, from ${e.dir}`}`,
  ];
  if (e.error !== undefined) lines.push(`  error     ${e.error.replace(/\n/g, '\n            ')}`);
  lines.push('');
  if (e.kinds.length === 0) lines.push('  no objects recorded');
  else lines.push(_indent(_kindsTable(e)));
  if (e.vms.length > 0) {
    lines.push('');
    const table = _table(['VM', 'WORKLOAD', 'ROLE', 'READY', 'TIME TO READY', 'PHASE', 'REASON']);
    for (const vm of e.vms) {
      table.push([vm.name, vm.workload ?? '-', vm.role ?? '-', vm.ready ? 'yes' : 'no', _duration(vm.secondsToReady), vm.phase ?? '-', vm.reason ?? '-']);
    }
    lines.push(_indent(_render(table)));
  }
  return `${lines.join('\n')}\n`;
}

function _kindsTable(e: ExecutionDetail): string {
  const actions = OBJECT_ACTIONS.filter((a) => e.kinds.some((k) => k.action === a));
  const table = _table(['KIND', ...actions.map((a) => a.toUpperCase())]);
  const kinds = [...new Set(e.kinds.map((k) => k.kind))];
  for (const kind of kinds) {
    const count = (a: ObjectAction) => e.kinds.find((k) => k.kind === kind && k.action === a)?.count ?? 0;
    table.push([kind, ...actions.map((a) => String(count(a)))]);
  }
  return _render(table);
}

function _objects(o: RunSummary['objects']): string {
  const parts = OBJECT_ACTIONS.filter((a) => o[a] > 0).map((a) => `${o[a]} ${a}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function _time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, '');
}

function _duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds - m * 60);
  return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function _indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The table without trailing blanks. */
function _render(table: Table.Table): string {
  return table.toString().replace(/ +$/gm, '');
}

function _table(head: string[]): Table.Table {
  const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '' };
  return new Table({
    head,
    chars: { ...none, left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
}
