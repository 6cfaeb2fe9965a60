import type { Database, SqlValue } from 'sql.js';
import type { ExecutionDetail, KindCount, ObjectAction, RunSummary, StoredOutcome, VmRecord } from './types';

type _Row = Record<string, SqlValue>;

/** All rows of a query as plain objects. */
export function allRows(db: Database, sql: string, params: SqlValue[] = []): _Row[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: _Row[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject());
    return rows;
  } finally {
    stmt.free();
  }
}

const _SUMMARY_SELECT = `
  SELECT e.*,
    (SELECT COALESCE(SUM(count), 0) FROM object_counts o WHERE o.execution_id = e.id AND o.action = 'applied') AS n_applied,
    (SELECT COALESCE(SUM(count), 0) FROM object_counts o WHERE o.execution_id = e.id AND o.action = 'unchanged') AS n_unchanged,
    (SELECT COALESCE(SUM(count), 0) FROM object_counts o WHERE o.execution_id = e.id AND o.action = 'deleted') AS n_deleted,
    (SELECT COALESCE(SUM(count), 0) FROM object_counts o WHERE o.execution_id = e.id AND o.action = 'failed') AS n_failed,
    (SELECT COUNT(*) FROM vms v WHERE v.execution_id = e.id) AS vms_total,
    (SELECT COUNT(*) FROM vms v WHERE v.execution_id = e.id AND v.ready = 1) AS vms_ready
  FROM executions e`;

/** The newest executions first, at most `limit`. */
export function selectSummaries(db: Database, limit: number): RunSummary[] {
  return allRows(db, `${_SUMMARY_SELECT} ORDER BY e.started_at DESC, e.id DESC LIMIT ?`, [limit]).map(_summary);
}

/** Every execution of one run id, oldest first, with per-kind counts and per-VM readiness. */
export function selectExecutions(db: Database, runId: string): ExecutionDetail[] {
  return allRows(db, `${_SUMMARY_SELECT} WHERE e.run_id = ? ORDER BY e.started_at ASC, e.id ASC`, [runId]).map((row) => {
    const id = Number(row.id);
    const kinds: KindCount[] = allRows(
      db,
      `SELECT kind, action, count FROM object_counts WHERE execution_id = ?
       ORDER BY kind, CASE action WHEN 'applied' THEN 0 WHEN 'unchanged' THEN 1 WHEN 'deleted' THEN 2 ELSE 3 END`,
      [id],
    ).map((k) => ({ kind: String(k.kind), action: k.action as ObjectAction, count: Number(k.count) }));
    const vms = allRows(db, 'SELECT * FROM vms WHERE execution_id = ? ORDER BY name', [id]).map(_vm);
    return { ..._summary(row), kinds, vms };
  });
}

/** Distinct run ids, newest first (for "did you mean"). */
export function selectRunIds(db: Database, limit: number): string[] {
  return allRows(db, 'SELECT run_id FROM executions GROUP BY run_id ORDER BY MAX(started_at) DESC LIMIT ?', [limit]).map((r) =>
    String(r.run_id),
  );
}

function _summary(row: _Row): RunSummary {
  const startedAt = String(row.started_at);
  const finishedAt = _opt(row.finished_at);
  return _compact({
    runId: String(row.run_id),
    command: String(row.command),
    context: _opt(row.context),
    namespace: String(row.namespace),
    dir: _opt(row.dir),
    outcome: row.outcome as StoredOutcome,
    error: _opt(row.error),
    startedAt,
    finishedAt,
    durationSeconds: finishedAt === undefined ? undefined : (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000,
    objects: {
      applied: Number(row.n_applied),
      unchanged: Number(row.n_unchanged),
      deleted: Number(row.n_deleted),
      failed: Number(row.n_failed),
    },
    vmsTotal: Number(row.vms_total),
    vmsReady: Number(row.vms_ready),
  });
}

function _vm(row: _Row): VmRecord {
  return _compact({
    name: String(row.name),
    workload: _opt(row.workload),
    role: _opt(row.role),
    ready: row.ready === 1,
    secondsToReady: row.seconds_to_ready === null ? undefined : Number(row.seconds_to_ready),
    phase: _opt(row.phase),
    reason: _opt(row.reason),
  });
}

function _opt(value: SqlValue | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** Drops undefined properties so JSON output and equality checks stay clean. */
function _compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
