import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { AuditLog } from '../../lib/audit/audit-log';
import { migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../lib/audit/schema';
import { tempDir } from './_support';

async function emptyDb(): Promise<Database> {
  const SQL = await initSqlJs();
  return new SQL.Database();
}

function tableNames(db: Database): string[] {
  return (db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]?.values ?? []).flat() as string[];
}

describe('migrate', () => {
  it('brings an empty database to the current version with one schema_version row', async () => {
    // GIVEN an empty database  WHEN migrated
    const db = await emptyDb();
    const changed = migrate(db);
    // THEN every migration ran and the version row is the only one
    expect(changed).toBe(true);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.exec('SELECT COUNT(*) FROM schema_version')[0].values).toEqual([[1]]);
    expect(tableNames(db)).toEqual(['executions', 'object_counts', 'schema_version', 'vms']);
    db.close();
  });

  it('does nothing on a database already at the current version', async () => {
    const db = await emptyDb();
    migrate(db);
    expect(migrate(db)).toBe(false);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('enforces the vocabularies of outcome and action', async () => {
    const db = await emptyDb();
    migrate(db);
    expect(() => db.run("INSERT INTO executions (uid, run_id, command, namespace, started_at, outcome) VALUES ('u', 'r', 'apply', 'ns', 't', 'done')")).toThrow(
      /CHECK constraint failed/,
    );
    db.run("INSERT INTO executions (uid, run_id, command, namespace, started_at) VALUES ('u', 'r', 'apply', 'ns', 't')");
    expect(() => db.run("INSERT INTO object_counts (execution_id, action, kind, count) VALUES (1, 'created', 'Secret', 1)")).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('fails when a migration cannot run, and rolls it back', async () => {
    // GIVEN a database from another tool that already has an "executions" table
    const db = await emptyDb();
    db.run('CREATE TABLE executions (x TEXT)');
    // WHEN migrated THEN the error names the version, and nothing of it was kept
    expect(() => migrate(db)).toThrow('migration to schema version 1 failed: table executions already exists');
    expect(schemaVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual(['executions', 'schema_version']);
    db.close();
  });
});

describe('AuditLog.open on existing files', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('migrates an empty (zero-byte) file in place', async () => {
    // GIVEN a zero-byte file (e.g. created by `touch`)
    const file = join(tmp.dir, 'audit.sqlite');
    writeFileSync(file, '');
    // WHEN opened THEN the schema is written into it
    await (await AuditLog.open(file)).close();
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('fails when the file was written by a newer virtwork', async () => {
    // GIVEN a file at a version this build does not know
    const file = join(tmp.dir, 'audit.sqlite');
    const db = await emptyDb();
    migrate(db);
    db.run('UPDATE schema_version SET version = ?', [SCHEMA_VERSION + 5]);
    writeFileSync(file, db.export());
    db.close();
    // WHEN opened THEN the message says what to do
    await expect(AuditLog.open(file)).rejects.toThrow(
      `audit file ${file}: schema version ${SCHEMA_VERSION + 5} is newer than this virtwork supports (${SCHEMA_VERSION}); upgrade virtwork or use another --audit-db`,
    );
  });
});
