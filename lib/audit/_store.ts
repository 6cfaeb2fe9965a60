import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { VirtworkError } from '../core/errors';
import { withFileLockSync } from './_file-lock';
import { migrate, SchemaTooNewError } from './schema';

/** One write: SQL text and its parameters (replayed verbatim when merging into the file). */
export interface Write {
  readonly sql: string;
  readonly params: SqlValue[];
}

let _sqlJs: Promise<SqlJsStatic> | undefined;

function _loadSqlJs(): Promise<SqlJsStatic> {
  _sqlJs ??= initSqlJs({ locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) });
  return _sqlJs;
}

/**
 * An SQLite file held in memory through sql.js. Writes run on the in-memory copy (grouped in one transaction until
 * the next read or save) and are journaled; `save` merges the journal into the file as it is on disk at that
 * moment, under `<file>.lock`, then replaces the file atomically (temp file + rename) and adopts the result.
 */
export class JournaledFile {
  /** Loads `file` (an empty database when missing) and migrates it in memory; `changed` when it must be saved. */
  public static async load(file: string, lockTimeoutMs: number): Promise<{ store: JournaledFile; changed: boolean }> {
    const store = new JournaledFile(await _loadSqlJs(), file, lockTimeoutMs);
    const { db, changed } = store._read();
    store.db = db;
    return { store, changed };
  }

  private db: Database;
  /** Prepared statements of `db`, by SQL text (prepared once, not once per record). */
  private readonly prepared = new Map<string, Statement>();
  private inTransaction = false;
  /** Writes replayed at every save, even when already saved: `INSERT OR IGNORE`s later writes depend on. */
  private readonly anchors: Write[] = [];
  /** Writes not saved yet. */
  private readonly pending: Write[] = [];

  private constructor(
    private readonly sql: SqlJsStatic,
    /** The file. */
    public readonly file: string,
    private readonly lockTimeoutMs: number,
  ) {
    this.db = undefined as unknown as Database;
  }

  /** Whether some writes are not saved yet. */
  public get dirty(): boolean {
    return this.pending.length > 0;
  }

  /** Runs a write now and journals it; an `anchor` is replayed at every save (make it idempotent). */
  public write(w: Write, anchor = false): void {
    if (!this.inTransaction) {
      this.db.run('BEGIN');
      this.inTransaction = true;
    }
    _run(this.db, this.prepared, w);
    (anchor ? this.anchors : this.pending).push(w);
  }

  /** Runs a query on the in-memory copy (this session's writes included). */
  public read<T>(query: (db: Database) => T): T {
    this._commit();
    return query(this.db);
  }

  /** Merges the journal into the file under the lock, replaces the file atomically, adopts the merged result. */
  public save(): void {
    this._commit();
    withFileLockSync(this.file, this.lockTimeoutMs, () => {
      const { db } = this._read();
      const cache = new Map<string, Statement>();
      try {
        db.run('BEGIN');
        for (const w of [...this.anchors, ...this.pending]) _run(db, cache, w);
        db.run('COMMIT');
        _free(cache);
        const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
        try {
          writeFileSync(tmp, db.export(), { mode: 0o600, flush: true });
          renameSync(tmp, this.file);
        } catch (err) {
          if (existsSync(tmp)) unlinkSync(tmp);
          throw err;
        }
      } catch (err) {
        _free(cache);
        db.close();
        throw err;
      }
      this.pending.length = 0;
      _free(this.prepared);
      this.db.close();
      this.db = db;
    });
  }

  /** Releases the in-memory copy (unsaved writes are dropped: save first). */
  public close(): void {
    this._commit();
    _free(this.prepared);
    this.db.close();
  }

  private _commit(): void {
    if (!this.inTransaction) return;
    this.db.run('COMMIT');
    this.inTransaction = false;
  }

  /** Reads the file (an empty database when missing) and migrates it in memory. */
  private _read(): { db: Database; changed: boolean } {
    const exists = existsSync(this.file);
    let db: Database | undefined;
    try {
      db = new this.sql.Database(exists ? readFileSync(this.file) : undefined);
      db.run('PRAGMA foreign_keys = ON');
      const changed = migrate(db);
      return { db, changed: changed || !exists };
    } catch (err) {
      db?.close();
      if (err instanceof SchemaTooNewError) {
        throw new VirtworkError(`audit file ${this.file}: ${err.message}; upgrade virtwork or use another --audit-db`, { cause: err });
      }
      const message = (err as Error).message;
      const hint = /not a database|malformed/i.test(message)
        ? 'it is not a virtwork audit file (SQLite); move it away, or use --audit-db <file> or --no-audit'
        : message;
      throw new VirtworkError(`audit file ${this.file}: cannot read it: ${hint}`, { cause: err });
    }
  }
}

function _run(db: Database, cache: Map<string, Statement>, w: Write): void {
  let stmt = cache.get(w.sql);
  if (stmt === undefined) {
    stmt = db.prepare(w.sql);
    cache.set(w.sql, stmt);
  }
  stmt.run(w.params);
}

function _free(cache: Map<string, Statement>): void {
  for (const stmt of cache.values()) stmt.free();
  cache.clear();
}
