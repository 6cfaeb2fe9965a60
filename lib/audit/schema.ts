import type { Database } from 'sql.js';

/**
 * The audit schema, one entry per version: `MIGRATIONS[i]` takes a file from version `i` to `i + 1`.
 *
 * Never edit a released entry; append a new one. Version 1 is the baseline.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE executions (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    run_id      TEXT NOT NULL,
    command     TEXT NOT NULL,
    context     TEXT,
    namespace   TEXT NOT NULL,
    dir         TEXT,
    outcome     TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (outcome IN ('in_progress', 'success', 'failed', 'cancelled', 'aborted')),
    error       TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX idx_executions_run_id ON executions (run_id);
  CREATE INDEX idx_executions_started_at ON executions (started_at);
  CREATE TABLE object_counts (
    execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    action       TEXT NOT NULL CHECK (action IN ('applied', 'unchanged', 'deleted', 'failed')),
    kind         TEXT NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (execution_id, action, kind)
  );
  CREATE TABLE vms (
    execution_id     INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    workload         TEXT,
    role             TEXT,
    ready            INTEGER NOT NULL CHECK (ready IN (0, 1)),
    seconds_to_ready REAL,
    phase            TEXT,
    reason           TEXT,
    recorded_at      TEXT NOT NULL,
    PRIMARY KEY (execution_id, name)
  );
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Thrown by {@link migrate} when a file was written by a newer virtwork. */
export class SchemaTooNewError extends Error {
  public constructor(public readonly found: number) {
    super(`schema version ${found} is newer than this virtwork supports (${SCHEMA_VERSION})`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings a database to {@link SCHEMA_VERSION}: creates `schema_version` (one row) when missing, then runs each
 * pending migration in its own transaction. Returns whether anything changed.
 */
export function migrate(db: Database): boolean {
  let changed = false;
  const hasTable = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).length > 0;
  if (!hasTable) {
    db.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    db.run('INSERT INTO schema_version (version) VALUES (0)');
    changed = true;
  }
  const rows = db.exec('SELECT version FROM schema_version');
  const version = Number(rows[0]?.values[0]?.[0] ?? 0);
  if (version > SCHEMA_VERSION) throw new SchemaTooNewError(version);
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.run('BEGIN');
    try {
      db.run(MIGRATIONS[v]);
      db.run('UPDATE schema_version SET version = ?', [v + 1]);
      db.run('COMMIT');
    } catch (err) {
      db.run('ROLLBACK');
      throw new Error(`migration to schema version ${v + 1} failed: ${(err as Error).message}`, { cause: err });
    }
    changed = true;
  }
  return changed;
}

/** The version recorded in a migrated database. */
export function schemaVersion(db: Database): number {
  return Number(db.exec('SELECT version FROM schema_version')[0]?.values[0]?.[0] ?? 0);
}
