import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAudit } from '../../lib/audit/open-audit';
import { tempDir } from './_support';

describe('openAudit', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('returns a disabled log with --no-audit, which records and lists nothing and touches no file', async () => {
    // GIVEN --no-audit (and a path that must not be created)
    const env = { VIRTWORK_AUDIT_DB: join(tmp.dir, 'env.sqlite') };
    const log = await openAudit({ audit: false, auditDb: join(tmp.dir, 'flag.sqlite') }, {}, env);
    // WHEN used like virtwork-apply does
    const run = log.startRun({ runId: 'r', command: 'apply', namespace: 'ns' });
    log.recordObjects(run, 'applied', 'Secret', 1);
    log.recordVm(run, { name: 'vm', ready: true });
    log.finishRun(run, 'success');
    // THEN nothing is kept anywhere
    expect(log.enabled).toBe(false);
    expect(log.path).toBeUndefined();
    expect(log.listRuns()).toEqual([]);
    expect(log.getRun('r')).toBeUndefined();
    await log.close();
    expect(existsSync(join(tmp.dir, 'flag.sqlite'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'env.sqlite'))).toBe(false);
  });

  it('prefers --audit-db over VIRTWORK_AUDIT_DB', async () => {
    const env = { VIRTWORK_AUDIT_DB: join(tmp.dir, 'env.sqlite') };
    const log = await openAudit({ auditDb: join(tmp.dir, 'flag.sqlite') }, {}, env);
    await log.close();
    expect(log.path).toBe(join(tmp.dir, 'flag.sqlite'));
    expect(existsSync(join(tmp.dir, 'flag.sqlite'))).toBe(true);
  });

  it('uses VIRTWORK_AUDIT_DB without --audit-db', async () => {
    const env = { VIRTWORK_AUDIT_DB: join(tmp.dir, 'env.sqlite') };
    const log = await openAudit({}, {}, env);
    await log.close();
    expect(log.path).toBe(join(tmp.dir, 'env.sqlite'));
    expect(existsSync(join(tmp.dir, 'env.sqlite'))).toBe(true);
  });
});
