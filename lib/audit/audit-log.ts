import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { VirtworkError } from '../core/errors';
import { selectExecutions, selectRunIds, selectSummaries } from './_queries';
import { JournaledFile } from './_store';
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
    if (!options.readOnly) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new VirtworkError(`audit file ${file}: cannot create its directory: ${(err as Error).message}`, { cause: err });
      }
    }
    const { store, changed } = await JournaledFile.load(file, options.lockTimeoutMs ?? 10_000);
    if (changed && !options.readOnly) {
      try {
        store.save();
      } catch (err) {
        store.close();
        throw new VirtworkError(`audit file ${file}: cannot write it: ${(err as Error).message} (use --audit-db <file> or --no-audit)`, {
          cause: err,
        });
      }
    }
    return new AuditLog(store, options);
  }

  /** The audit log of `--no-audit`: records nothing, lists nothing. */
  public static disabled(): AuditLog {
    return new AuditLog(undefined, {});
  }

  /** The file, or undefined when disabled. */
  public readonly path: string | undefined;
  private readonly uids = new Map<number, string>();
  private readonly clock: () => Date;
  private readonly warn: (message: string) => void;
  private closed = false;

  private constructor(
    private readonly store: JournaledFile | undefined,
    private readonly options: AuditLogOptions,
  ) {
    this.path = store?.file;
    this.clock = options.clock ?? (() => new Date());
    this.warn = options.warn ?? ((message) => process.stderr.write(`virtwork-apply: warning: ${message}\n`));
  }

  /** Whether this log records anything (false for {@link AuditLog.disabled}). */
  public get enabled(): boolean {
    return this.store !== undefined;
  }

  /** Records the start of an execution (outcome `in_progress`) and saves it; returns its handle for the other calls. */
  public startRun(r: RunStart): number {
    const store = this._writable();
    if (store === undefined) return 0;
    const handle = this.uids.size + 1;
    const uid = randomUUID();
    this.uids.set(handle, uid);
    // replayed at every save (ignored when present): later writes find their execution even if the file was replaced
    store.write({
      sql: 'INSERT OR IGNORE INTO executions (uid, run_id, command, context, namespace, dir, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      params: [uid, r.runId, scrubSecrets(r.command), r.context ?? null, r.namespace, r.dir ?? null, this._now()],
    }, true);
    this._save();
    return handle;
  }

  /** Adds `count` objects of `kind` to what the execution applied, left unchanged, deleted or failed on. */
  public recordObjects(run: number, action: ObjectAction, kind: string, count: number): void {
    const store = this._writable();
    if (store === undefined) return;
    if (!OBJECT_ACTIONS.includes(action)) throw new Error(`recordObjects: action must be one of ${OBJECT_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`recordObjects: count must be a non-negative integer, got ${count}`);
    store.write({
      sql: `INSERT INTO object_counts (execution_id, action, kind, count) VALUES ((SELECT id FROM executions WHERE uid = ?), ?, ?, ?)
       ON CONFLICT (execution_id, action, kind) DO UPDATE SET count = count + excluded.count`,
      params: [this._uid(run), action, kind, count],
    });
  }

  /** Records (or replaces) the readiness of one VM of the execution. */
  public recordVm(run: number, vm: VmRecord): void {
    const store = this._writable();
    if (store === undefined) return;
    store.write({
      sql: `INSERT INTO vms (execution_id, name, workload, role, ready, seconds_to_ready, phase, reason, recorded_at)
       VALUES ((SELECT id FROM executions WHERE uid = ?), ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (execution_id, name) DO UPDATE SET workload = excluded.workload, role = excluded.role,
         ready = excluded.ready, seconds_to_ready = excluded.seconds_to_ready, phase = excluded.phase,
         reason = excluded.reason, recorded_at = excluded.recorded_at`,
      params: [
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
    });
  }

  /**
   * Records how the execution ended and saves at once (synchronously, so a signal handler can record
   * `cancelled` before exiting). The error text is scrubbed of credentials.
   */
  public finishRun(run: number, outcome: RunOutcome, error?: string): void {
    const store = this._writable();
    if (store === undefined) return;
    store.write({
      sql: 'UPDATE executions SET outcome = ?, error = ?, finished_at = ? WHERE uid = ?',
      params: [outcome, error === undefined ? null : scrubSecrets(error), this._now(), this._uid(run)],
    });
    this._save();
  }

  /** The newest executions first (every apply and cleanup is one entry). */
  public listRuns(opts: { limit?: number } = {}): RunSummary[] {
    return this._readable()?.read((db) => selectSummaries(db, opts.limit ?? DEFAULT_HISTORY_LIMIT)) ?? [];
  }

  /** Every execution recorded for a run id, oldest first (apply, then cleanup…); undefined when unknown. */
  public getRun(runId: string): RunDetail | undefined {
    const executions = this._readable()?.read((db) => selectExecutions(db, runId)) ?? [];
    return executions.length === 0 ? undefined : { runId, executions };
  }

  /** Distinct run ids recorded, most recent first. */
  public runIds(limit = 1000): string[] {
    return this._readable()?.read((db) => selectRunIds(db, limit)) ?? [];
  }

  /** Saves what is not saved yet (atomically) and releases the database. A failed save is a warning. */
  public async close(): Promise<void> {
    if (this.closed || this.store === undefined) return;
    if (this.store.dirty) this._save(true);
    this.closed = true;
    this.store.close();
  }

  private _readable(): JournaledFile | undefined {
    if (this.closed) throw new Error('audit log is closed');
    return this.store;
  }

  private _writable(): JournaledFile | undefined {
    return this.options.readOnly ? undefined : this._readable();
  }

  private _uid(run: number): string {
    const uid = this.uids.get(run);
    if (uid === undefined) throw new Error(`audit: unknown run handle ${run} (use the number returned by startRun)`);
    return uid;
  }

  private _now(): string {
    return this.clock().toISOString();
  }

  /** Saves pending writes; a failure is reported through `warn` and retried at the next save, if any. */
  private _save(last = false): void {
    try {
      this.store!.save();
    } catch (err) {
      const consequence = last ? 'this run is not (fully) recorded' : 'will retry';
      this.warn(`audit file ${this.path}: could not save (${consequence}): ${(err as Error).message}`);
    }
  }
}
