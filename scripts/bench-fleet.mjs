// Fleet expansion benchmark of `npm run bench` (issue 17): a mix of <vms> VMs in virtwork.yaml, expanded in a fresh
// child process (scripts/bench-fleet-child.ts) `runs` times; the medians of each step and the peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-synth.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Expands a fleet of `vms` VMs `runs` times; returns the median figures and the load average. */
export function benchFleetExpansion(vms, runs, workdir, log) {
  log(`fleet expansion: a ${vms}-VM mix from virtwork.yaml, ${runs} run(s)`);
  const load = loadavg()[0];
  const results = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(workdir, 'fleet-'));
    const r = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'scripts', 'bench-fleet-child.ts'), String(vms), dir], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench-fleet-child failed (exit ${r.status}):\n${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const pick = (k) => median(results.map((r) => r[k]));
  return { vms: results[0].vms, instances: results[0].instances, configMs: pick('configMs'), buildMs: pick('buildMs'), buildCpuMs: pick('buildCpuMs'), checkMs: pick('checkMs'), peakRssMb: pick('peakRssMb'), runs, load };
}

/** The table rows of the fleet expansion figures. */
export function fleetRows(f) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return [
    { metric: `fleet expansion ${f.vms} VMs (${f.instances} instances): config`, measured: s(f.configMs), load: f.load },
    { metric: `fleet expansion ${f.vms} VMs: build constructs`, measured: `${s(f.buildMs)} (cpu ${s(f.buildCpuMs)}; app checks ${s(f.checkMs)})`, load: f.load },
    { metric: `fleet expansion ${f.vms} VMs, peak RSS`, measured: `${f.peakRssMb.toFixed(0)} MB`, load: f.load },
  ];
}
