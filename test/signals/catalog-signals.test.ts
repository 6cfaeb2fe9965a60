import { Chart, Testing } from 'cdk8s';
import { join } from 'node:path';
import { checkCatalogEntry, parseCatalogEntry } from '../../lib/catalog/catalog-entry';
import { catalogWorkloadClass } from '../../lib/catalog/catalog-workload';
import { listCatalogEntries, loadCatalogEntry } from '../../lib/catalog/loader';
import { expectedSignals, runSignals } from '../../lib/monitoring/run-signals';
import { DEMO, source } from '../catalog/_helpers';

const SIGNALS = `signals:
  - kind: network-transmit-bytes
    role: server
    min: 100
    per: threads
    description: replies
  - kind: cpu-usage
`;
const withSignals = (text: string) => ({ ...DEMO, 'workload.yaml': `${DEMO['workload.yaml']}${text}` });

function workload(files: Readonly<Record<string, string>>, params: Record<string, unknown> = {}) {
  const cls = catalogWorkloadClass(parseCatalogEntry(source('demo', files)));
  return new cls(new Chart(Testing.app(), 'demo', { namespace: 'vw' }), 'demo', { runId: 'r', params });
}

describe('catalog signals (workload.yaml signals:)', () => {
  it('GIVEN signals with per WHEN the entry renders THEN the floor is min × the resolved param, roles select the VMs', () => {
    const w = workload(withSignals(SIGNALS), { threads: 8 });
    expect(expectedSignals(w)).toEqual([
      { kind: 'network-transmit-bytes', role: 'server', min: 800, windowSeconds: 300, basis: 'replies: 100 per unit of threads (8)' },
      { kind: 'cpu-usage', windowSeconds: 300, basis: 'present (catalog entry)' },
    ]);
    const run = runSignals([w]);
    expect(run.workloads[0].signals.map((s) => s.vms)).toEqual([['virtwork-demo-server-0'], ['virtwork-demo-server-0', 'virtwork-demo-client-0']]);
  });

  it('GIVEN an entry without signals THEN it expects none', () => {
    expect(expectedSignals(workload(DEMO))).toEqual([]);
  });

  it('fails when a signal kind is unknown, naming the field and the allowed kinds', () => {
    const check = checkCatalogEntry(source('demo', withSignals('signals:\n  - kind: cpu\n')));
    expect(check.errors).toEqual([expect.stringMatching(/^catalog\/demo\/workload\.yaml: signals\[0\]\.kind: must be one of cpu-usage, memory-used-ratio, .*, got "cpu"/)]);
  });

  it('fails when a signal names a role the entry does not have, or per is not an int param or has no min', () => {
    const check = checkCatalogEntry(source('demo', withSignals('signals:\n  - kind: cpu-usage\n    role: db\n  - kind: cpu-usage\n    per: mode\n')));
    expect(check.errors).toEqual([
      'catalog/demo/workload.yaml: signals[0].role: "db" is not a role of this entry (roles: server, client)',
      'catalog/demo/workload.yaml: signals[1].per: "mode" is not an int param of this entry (int params: threads)',
      'catalog/demo/workload.yaml: signals[1].per: needs a min (the floor per unit of "mode")',
    ]);
  });

  it('fails when a signal has an unknown key, suggesting the right one', () => {
    const check = checkCatalogEntry(source('demo', withSignals('signals:\n  - kind: cpu-usage\n    minimum: 1\n')));
    expect(check.errors[0]).toBe('catalog/demo/workload.yaml: signals[0].minimum: unknown key; allowed keys: kind, role, min, per, window-seconds, description');
  });

  it('GIVEN the shipped catalog entries THEN every one declares signals for every role', () => {
    const dir = join(__dirname, '..', '..', 'catalog');
    for (const name of listCatalogEntries(dir)) {
      const entry = loadCatalogEntry(dir, name);
      const roles = entry.roles?.map((r) => r.name) ?? [undefined];
      const signals = entry.signals ?? [];
      expect([name, roles.filter((role) => !signals.some((s) => s.role === undefined || s.role === role))]).toEqual([name, []]);
    }
  });
});
