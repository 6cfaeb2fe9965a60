// The synthesis half of `npm run bench` (see docs/performance.md): fleet synthesis against the serialization floor,
// and the cold `npx cdk8s synth` of the default app. Every measurement runs in a fresh child process, so its peak
// RSS is its own and no JIT or cache is shared between measurements.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'scripts', 'bench-synth-child.ts');
const FLOOR = join(ROOT, 'scripts', 'bench-synth-floor.mjs');
const TSX = import.meta.resolve('tsx');

/** Targets of issue 8 (synthesis half). */
export const SYNTH_TARGETS = { ratio: 1.5, peakRssMbAt5000: 500, cdk8sColdSeconds: 5 };

/** The median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `node [--import tsx] <args>` and returns the JSON its last stdout line holds. */
function runChild(args, { tsx = true, env = process.env } = {}) {
  const result = spawnSync(process.execPath, [...(tsx ? ['--import', TSX] : []), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`child ${args.map((a) => a.replace(ROOT, '')).join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  }
  const last = result.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}

/**
 * Synthesizes a fleet of about `vms` VMs (every built-in workload) `runs` times and serializes the same objects
 * with `yaml` alone `runs` times, interleaved so that both see the same machine load; returns medians.
 */
export function benchFleet(vms, runs, workdir, log) {
  const dir = join(workdir, `fleet-${vms}`);
  mkdirSync(dir, { recursive: true });
  const plan = runChild([CHILD, 'plan', String(vms), dir]);
  log(`  fleet of ${plan.vms} VMs: ${Object.entries(plan.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}, ${plan.dataVolumeTemplates} DataVolume templates`);
  const synth = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    synth.push(runChild([CHILD, 'synth', join(dir, 'plan.json'), join(dir, 'out-synth')]));
    floor.push(runChild([FLOOR, join(dir, 'objects.json'), join(dir, 'out-floor')], { tsx: false }));
    log(`  run ${i + 1}/${runs}: synth ${s(synth[i].wallMs)} (cpu ${s(synth[i].cpuMs)}), floor ${s(floor[i].wallMs)} (cpu ${s(floor[i].cpuMs)})`);
  }
  const phases = runChild([CHILD, 'phases', join(dir, 'plan.json'), join(dir, 'out-phases')]);
  rmSync(dir, { recursive: true, force: true });
  const m = (list, key) => median(list.map((r) => r[key]));
  const result = {
    vms: plan.vms,
    kinds: plan.kinds,
    dataVolumeTemplates: plan.dataVolumeTemplates,
    workloads: plan.workloads,
    runs,
    synth: { wallMs: m(synth, 'wallMs'), cpuMs: m(synth, 'cpuMs'), peakRssMb: m(synth, 'peakRssMb'), bytes: synth[0].bytes, files: synth[0].files },
    floor: { wallMs: m(floor, 'wallMs'), cpuMs: m(floor, 'cpuMs'), peakRssMb: m(floor, 'peakRssMb') },
    phases,
    samples: { synth, floor },
  };
  result.ratioWall = result.synth.wallMs / result.floor.wallMs;
  result.ratioCpu = result.synth.cpuMs / result.floor.cpuMs;
  return result;
}

/**
 * Times `npx cdk8s synth` of the default app `runs` times into a scratch directory (dist/ is left alone), each
 * with an empty TMPDIR so that tsx's transform cache is cold too. Wall time from spawn to exit; CPU time and peak
 * RSS of the process tree from `/usr/bin/time` when it exists.
 */
export function benchCdk8sSynth(runs, workdir, log) {
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const tmp = mkdtempSync(join(workdir, 'tmp-'));
    const out = join(workdir, `cdk8s-out-${i}`);
    const cmd = ['npx', '--no-install', 'cdk8s', 'synth', '--output', out];
    const args = time ? ['-f', 'VIRTWORK_BENCH_TIME %U %S %M', ...cmd] : cmd.slice(1);
    const start = process.hrtime.bigint();
    const result = spawnSync(time ?? 'npx', args, { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`npx cdk8s synth failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    const sample = { wallMs };
    const m = /VIRTWORK_BENCH_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
    if (m) Object.assign(sample, { cpuMs: (Number(m[1]) + Number(m[2])) * 1000, peakRssMb: Number(m[3]) / 1024 });
    samples.push(sample);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    log(`  run ${i + 1}/${runs}: ${s(wallMs)}${sample.cpuMs === undefined ? '' : ` (cpu ${s(sample.cpuMs)})`}`);
  }
  const cpu = samples.filter((x) => x.cpuMs !== undefined);
  return {
    runs,
    wallMs: median(samples.map((x) => x.wallMs)),
    cpuMs: cpu.length ? median(cpu.map((x) => x.cpuMs)) : undefined,
    peakRssMb: cpu.length ? median(cpu.map((x) => x.peakRssMb)) : undefined,
    samples,
  };
}

/** Table rows (metric, measured, floor, ratio, target, ok) for the synthesis results. */
export function synthRows(fleets, cdk8s) {
  const rows = [];
  for (const f of fleets) {
    rows.push({
      metric: `synth ${f.vms} VMs, wall (cpu)`,
      measured: `${s(f.synth.wallMs)} (${s(f.synth.cpuMs)})`,
      floor: `${s(f.floor.wallMs)} (${s(f.floor.cpuMs)})`,
      ratio: `${f.ratioWall.toFixed(2)}× (${f.ratioCpu.toFixed(2)}×)`,
      target: `≤ ${SYNTH_TARGETS.ratio}×`,
      // both: wall time is what users wait for, CPU time is what survives a busy machine
      ok: f.ratioWall <= SYNTH_TARGETS.ratio && f.ratioCpu <= SYNTH_TARGETS.ratio,
    });
    const rssTarget = f.vms >= 5000 ? SYNTH_TARGETS.peakRssMbAt5000 : undefined;
    rows.push({
      metric: `synth ${f.vms} VMs, peak RSS`,
      measured: `${f.synth.peakRssMb.toFixed(0)} MB`,
      floor: `${f.floor.peakRssMb.toFixed(0)} MB`,
      ratio: `${(f.synth.peakRssMb / f.floor.peakRssMb).toFixed(2)}×`,
      target: rssTarget === undefined ? '' : `< ${rssTarget} MB`,
      ok: rssTarget === undefined ? undefined : f.synth.peakRssMb < rssTarget,
    });
  }
  if (cdk8s) {
    rows.push({
      metric: `cold npx cdk8s synth (median of ${cdk8s.runs})`,
      measured: `${s(cdk8s.wallMs)}${cdk8s.cpuMs === undefined ? '' : ` (${s(cdk8s.cpuMs)})`}`,
      floor: '',
      ratio: '',
      target: `≤ ${SYNTH_TARGETS.cdk8sColdSeconds} s`,
      ok: cdk8s.wallMs <= SYNTH_TARGETS.cdk8sColdSeconds * 1000,
    });
  }
  return rows;
}

/** Milliseconds as seconds with two decimals. */
function s(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
