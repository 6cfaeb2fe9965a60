import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { VirtworkError } from '../errors';
import { withFileLockSync } from './_file-lock';
import { selectExecutions, selectRunIds, selectSummaries } from './_queries';
import { migrate, SchemaTooNewError } from './schema';
import { scrubSecrets } from './scrub';
import type { ObjectAction, RunDetail, RunOutcome, RunStart, RunSummary, VmRecord } from './types';
import { OBJECT_ACTIONS } from './types';

export type { ObjectAction, RunDetail, RunOutcome, RunStart, RunSummary, VmRecord } from './types';

/** How many executions `listRuns` returns when no limit is given. */
export const DEFAULT_HISTORY_LIMIT = 20;

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** The clock used for every timestamp. @default () => new Date() */
  readonly clock?: () => Date;
  /** Receives a warning when an audit write fails (audit failures never abort a command). @default a line on stderr */
  readonly warn?: (message: string) => void;
  /** Only read: never create the directory or the file (`history`). @default false */
  readonly readOnly?: boolean;
  /** How long to wait for another process holding `<file>.lock`. @default 10000 */
  readonly lockTimeoutMs?: number;
}

interface _Write {
  readonly sql: string;
  readonly params: SqlValue[];
}

let _sqlJs: Promise<SqlJsStatic> | undefined;

function _loadSqlJs(): Promise<SqlJsStatic> {
  _sqlJs ??= initSqlJs({ locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) });
  return _sqlJs;
}

/**
 * The audit file `$XDG_DATA_HOME/virtwork/audit.sqlite` (or `~/.local/share/virtwork/audit.sqlite`), unless
 * `VIRTWORK_AUDIT_DB` names another file.
 */
export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIRTWORK_AUDIT_DB) return resolve(env.VIRTWORK_AUDIT_DB);
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'virtwork', 'audit.sqlite');
}

/**
 * The local record of what `virtwork-apply` did: one row per execution (apply, cleanup…) with the object counts
 * per kind and action, per-VM readiness, outcome and error. Stored in an SQLite file through sql.js (WASM, no
 * native build).
 *
 * The whole file is held in memory; writes are saved at `startRun`, `finishRun` and `close` by merging them
 * into the file as it is on disk at that moment, under a lock file, and replacing it atomically (temp file +
 * rename). Two processes writing at once therefore both keep their executions. Free text (error, reasons,
 * command) is scrubbed of anything that looks like a credential before it is stored.
 */
export class AuditLog {
  /** Opens (creating the directory, the file and the schema when missing) and migrates an audit file. */
  public static async open(path: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    const file = resolve(path);
    const SQL = await _loadSqlJs();
    const log = new AuditLog(SQL, file, options);
    if (!options.readOnly) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new VirtworkError(`audit file ${file}: cannot create its directory: ${(err as Error).message}`, { cause: err });
      }
    }
    const { db, changed } = log._load();
    log.db = db;
    if (changed && !options.readOnly) {
      try {
        log._persist();
      } catch (err) {
        throw new VirtworkError(`audit file ${file}: cannot write it: ${(err as Error).message} (use --audit-db <file> or --no-audit)`, {
          cause: err,
        });
      }
    }
    return log;
  }

  /** The audit log of `--no-audit`: records nothing, lists nothing. */
  public static disabled(): AuditLog {
    return new AuditLog(undefined, undefined, {});
  }

  /** The file, or undefined when disabled. */
  public readonly path: string | undefined;
  private db: Database | undefined;
  private readonly pending: _Write[] = [];
  /** Each execution's insert, replayed (or ignored) at every save so later writes always find their row. */
  private readonly starts: _Write[] = [];
  private readonly uids = new Map<number, string>();
  private readonly clock: () => Date;
  private readonly warn: (message: string) => void;
  private closed = false;

  private constructor(
    private readonly sql: SqlJsStatic | undefined,
    file: string | undefined,
    private readonly options: AuditLogOptions,
  ) {
    this.path = file;
    this.clock = options.clock ?? (() => new Date());
    this.warn = options.warn ?? ((message) => process.stderr.write(`virtwork-apply: warning: ${message}\n`));
  }

  /** Whether this log records anything (false for {@link AuditLog.disabled}). */
  public get enabled(): boolean {
    return this.sql !== undefined;
  }

  /** Records the start of an execution (outcome `in_progress`) and saves it; returns its handle for the other calls. */
  public startRun(r: RunStart): number {
    if (!this._writable()) return 0;
    const handle = this.uids.size + 1;
    const uid = randomUUID();
    this.uids.set(handle, uid);
    const start: _Write = {
      sql: 'INSERT OR IGNORE INTO executions (uid, run_id, command, context, namespace, dir, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      params: [uid, r.runId, scrubSecrets(r.command), r.context ?? null, r.namespace, r.dir ?? null, this._now()],
    };
    this.db!.run(start.sql, start.params);
    this.starts.push(start);
    this._save();
    return handle;
  }

  /** Adds `count` objects of `kind` to what the execution applied, left unchanged, deleted or failed on. */
  public recordObjects(run: number, action: ObjectAction, kind: string, count: number): void {
    if (!this._writable()) return;
    if (!OBJECT_ACTIONS.includes(action)) throw new Error(`recordObjects: action must be one of ${OBJECT_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`recordObjects: count must be a non-negative integer, got ${count}`);
    this._write(
      `INSERT INTO object_counts (execution_id, action, kind, count) VALUES ((SELECT id FROM executions WHERE uid = ?), ?, ?, ?)
       ON CONFLICT (execution_id, action, kind) DO UPDATE SET count = count + excluded.count`,
      [this._uid(run), action, kind, count],
    );
  }

  /** Records (or replaces) the readiness of one VM of the execution. */
  public recordVm(run: number, vm: VmRecord): void {
    if (!this._writable()) return;
    this._write(
      `INSERT INTO vms (execution_id, name, workload, role, ready, seconds_to_ready, phase, reason, recorded_at)
       VALUES ((SELECT id FROM executions WHERE uid = ?), ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (execution_id, name) DO UPDATE SET workload = excluded.workload, role = excluded.role,
         ready = excluded.ready, seconds_to_ready = excluded.seconds_to_ready, phase = excluded.phase,
         reason = excluded.reason, recorded_at = excluded.recorded_at`,
      [
        this._uid(run),
        vm.name,
        vm.workload ?? null,
        vm.role ?? null,
        vm.ready ? 1 : 0,
        vm.secondsToReady ?? null,
        vm.phase ?? null,
        vm.reason === undefined ? null : scrubSecrets(vm.reason),
        this._now(),
      ],
    );
  }

  /**
   * Records how the execution ended and saves at once (synchronously, so a signal handler can record
   * `cancelled` before exiting). The error text is scrubbed of credentials.
   */
  public finishRun(run: number, outcome: RunOutcome, error?: string): void {
    if (!this._writable()) return;
    this._write('UPDATE executions SET outcome = ?, error = ?, finished_at = ? WHERE uid = ?', [
      outcome,
      error === undefined ? null : scrubSecrets(error),
      this._now(),
      this._uid(run),
    ]);
    this._save();
  }

  /** The newest executions first (every apply and cleanup is one entry). */
  public listRuns(opts: { limit?: number } = {}): RunSummary[] {
    if (this.db === undefined) return [];
    return selectSummaries(this.db, opts.limit ?? DEFAULT_HISTORY_LIMIT);
  }

  /** Every execution recorded for a run id, oldest first (apply, then cleanup…); undefined when unknown. */
  public getRun(runId: string): RunDetail | undefined {
    if (this.db === undefined) return undefined;
    const executions = selectExecutions(this.db, runId);
    return executions.length === 0 ? undefined : { runId, executions };
  }

  /** Distinct run ids recorded, most recent first. */
  public runIds(limit = 1000): string[] {
    return this.db === undefined ? [] : selectRunIds(this.db, limit);
  }

  /** Saves what is not saved yet (atomically) and releases the database. A failed save is a warning. */
  public async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.length > 0) this._save();
    this.closed = true;
    this.db?.close();
    this.db = undefined;
  }

  private _writable(): boolean {
    if (this.closed) throw new Error('audit log is closed');
    return this.db !== undefined && !this.options.readOnly;
  }

  private _uid(run: number): string {
    const uid = this.uids.get(run);
    if (uid === undefined) throw new Error(`audit: unknown run handle ${run} (use the number returned by startRun)`);
    return uid;
  }

  private _now(): string {
    return this.clock().toISOString();
  }

  private _write(sql: string, params: SqlValue[]): void {
    this.db!.run(sql, params);
    this.pending.push({ sql, params });
  }

  /** Saves pending writes; a failure is reported through `warn` and retried at the next save. */
  private _save(): void {
    try {
      this._persist();
    } catch (err) {
      this.warn(`audit file ${this.path}: could not save (will retry): ${(err as Error).message}`);
    }
  }

  /**
   * Under the lock: re-reads the file, replays this session's execution inserts (ignored when present) and
   * pending writes on it, writes temp + rename, adopts the result.
   */
  private _persist(): void {
    const file = this.path!;
    withFileLockSync(file, this.options.lockTimeoutMs ?? 10_000, () => {
      const { db } = this._load();
      try {
        for (const w of [...this.starts, ...this.pending]) db.run(w.sql, w.params);
        const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
        try {
          writeFileSync(tmp, db.export(), { mode: 0o600, flush: true });
          renameSync(tmp, file);
        } catch (err) {
          if (existsSync(tmp)) unlinkSync(tmp);
          throw err;
        }
      } catch (err) {
        db.close();
        throw err;
      }
      this.pending.length = 0;
      this.db?.close();
      this.db = db;
    });
  }

  /** Reads the file (an empty database when missing) and migrates it in memory. */
  private _load(): { db: Database; changed: boolean } {
    const file = this.path!;
    const exists = existsSync(file);
    let db: Database | undefined;
    try {
      db = new this.sql!.Database(exists ? readFileSync(file) : undefined);
      db.run('PRAGMA foreign_keys = ON');
      const changed = migrate(db);
      return { db, changed: changed || !exists };
    } catch (err) {
      db?.close();
      if (err instanceof SchemaTooNewError) {
        throw new VirtworkError(`audit file ${file}: ${err.message}; upgrade virtwork or use another --audit-db`, { cause: err });
      }
      const message = (err as Error).message;
      const hint = /not a database|malformed/i.test(message) ? 'it is not a virtwork audit file (SQLite); move it away, or use --audit-db <file> or --no-audit' : message;
      throw new VirtworkError(`audit file ${file}: cannot read it: ${hint}`, { cause: err });
    }
  }
}
