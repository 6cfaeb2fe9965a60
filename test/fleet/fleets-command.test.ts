import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, virtwork, writeFiles } from '../cli/_run';

// `virtwork fleets` and the counts `virtwork synth` prints (lib/cli/fleets-command.ts, lib/fleet/fleet-table.ts).

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = scratch());
  writeFiles(dir, {
    'virtwork.yaml': [
      'workloads: { cpu: { enabled: false }, memory: { enabled: false } }',
      'fleets:',
      '  mixed:',
      '    vm-count: 10',
      '    mix:',
      '      light: { workload: cpu, share: 2 }',
      '      net: { workload: network, share: 1 }',
      '',
    ].join('\n'),
  });
});
afterEach(() => cleanup());

describe('virtwork fleets', () => {
  it('prints every instance with its share, count and VMs, and a total, writing nothing', async () => {
    const r = await virtwork(['fleets'], dir);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines).toEqual([
      ['FLEET', 'INSTANCE', 'WORKLOAD', 'SHARE / CELL', 'COUNT', 'VMS'],
      ['mixed', 'mixed-light', 'cpu', '66.7%', '6', '6'],
      ['mixed', 'mixed-net', 'network', '33.3%', '2', '4'],
      ['mixed', '(total)', '10'],
    ]);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('keeps the fleet counts whatever --vm-count or VIRTWORK_VM_COUNT say', async () => {
    for (const r of [await virtwork(['fleets', '--json', '--vm-count', '3'], dir), await virtwork(['fleets', '--json'], dir, { VIRTWORK_VM_COUNT: '4' })]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).map((row: { count: number; vms: number }) => [row.count, row.vms])).toEqual([[6, 6], [2, 4]]);
    }
  });

  it('prints JSON rows with --json', async () => {
    const r = await virtwork(['fleets', '--json'], dir);
    expect(JSON.parse(r.out)).toEqual([
      { fleet: 'mixed', instance: 'mixed-light', workload: 'cpu', share: '66.7%', count: 6, vms: 6 },
      { fleet: 'mixed', instance: 'mixed-net', workload: 'network', share: '33.3%', count: 2, vms: 4 },
    ]);
  });

  it('is printed by virtwork synth too', async () => {
    const r = await virtwork(['synth'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote 3 files to dist\/: kustomization.yaml, mixed.yaml, namespace.yaml\nFLEET +INSTANCE/);
    expect(r.out).toMatch(/mixed +mixed-net +network +33\.3% +2 +4\n/);
    expect(r.out).toMatch(/mixed +\(total\) +10\n/);
  });

  it('fails with one line naming the key when the fleet is bad', async () => {
    writeFiles(dir, { 'virtwork.yaml': 'fleets:\n  mixed:\n    vm-count: 10\n    mix:\n      a: { share: 50% }\n' });
    const r = await virtwork(['fleets'], dir);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual(['virtwork: virtwork.yaml: fleets.mixed.mix: percentage shares must sum to 100%, got 50% (a 50%)']);
  });
});
