import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { JournaledFile } from '../../lib/audit/_store';
import { useTempAuditFile } from './_support';

const INSERT = { sql: "INSERT OR IGNORE INTO executions (uid, run_id, command, namespace, started_at) VALUES (?, ?, 'apply', 'ns', 't')" };
const count = (store: JournaledFile) => store.read((db) => Number(db.exec('SELECT COUNT(*) FROM executions')[0].values[0][0]));

describe('JournaledFile', () => {
  let file: string;
  useTempAuditFile((path) => (file = path));

  it('reads its own unsaved writes, and marks itself dirty until saved', async () => {
    const { store, changed } = await JournaledFile.load(file, 100);
    expect(changed).toBe(true);
    store.write({ ...INSERT, params: ['u1', 'r1'] });
    expect(store.dirty).toBe(true);
    expect(count(store)).toBe(1);
    store.save();
    expect(store.dirty).toBe(false);
    store.close();
  });

  it('merges into the file as it is when saving, keeping what another store saved meanwhile', async () => {
    // GIVEN two stores loaded from the same (missing) file
    const a = (await JournaledFile.load(file, 100)).store;
    const b = (await JournaledFile.load(file, 100)).store;
    // WHEN both write and save
    a.write({ ...INSERT, params: ['ua', 'ra'] });
    b.write({ ...INSERT, params: ['ub', 'rb'] });
    a.save();
    b.save();
    // THEN the second save kept the first one's row, and the first store sees both after its next save
    expect(count(b)).toBe(2);
    a.save();
    expect(count(a)).toBe(2);
    a.close();
    b.close();
  });

  it('replays anchors at every save, so later writes find their row in a replaced file', async () => {
    const { store } = await JournaledFile.load(file, 100);
    store.write({ ...INSERT, params: ['u1', 'r1'] }, true);
    store.save();
    writeFileSync(file, ''); // someone truncated the file
    store.write({ sql: "UPDATE executions SET outcome = 'success' WHERE uid = ?", params: ['u1'] });
    store.save();
    expect(store.read((db) => db.exec('SELECT uid, outcome FROM executions')[0].values)).toEqual([['u1', 'success']]);
    store.close();
  });

  it('keeps the journal when a save fails, and saves it at the next attempt', async () => {
    const { store } = await JournaledFile.load(file, 50);
    store.write({ ...INSERT, params: ['u1', 'r1'] });
    writeFileSync(`${file}.lock`, '1\n');
    expect(() => store.save()).toThrow('is held by another process');
    expect(store.dirty).toBe(true);
    expect(existsSync(file)).toBe(false);
    rmSync(`${file}.lock`);
    store.save();
    expect(store.dirty).toBe(false);
    store.close();
    const reread = (await JournaledFile.load(file, 50)).store;
    expect(count(reread)).toBe(1);
    reread.close();
  });
});
