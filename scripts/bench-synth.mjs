// The synthesis half of `npm run bench` (see docs/performance.md): fleet synthesis against the serialization floor,
// and the cold `npx cdk8s synth` of the default app. Every measurement runs in a fresh child process, so its peak
// RSS is its own and no JIT or cache is shared between measurements.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'scripts', 'bench-synth-child.ts');
const FLOOR = join(ROOT, 'scripts', 'bench-synth-floor.mjs');
const TSX = import.meta.resolve('tsx');
const { chooseApp } = createRequire(import.meta.url)('../apps/launch.cjs');

/** Targets (issue 19): synthesis within 1.3× the floor (wall and CPU), < 600 MB at 10,000 VMs, cold synth ≤ 1.5 s. */
export const SYNTH_TARGETS = { ratio: 1.3, peakRssMb: 600, peakRssAtVms: 10000, coldSeconds: 1.5 };

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
  const loads = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]);
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
    load: median(loads),
    samples: { synth, floor },
  };
  result.ratioWall = result.synth.wallMs / result.floor.wallMs;
  result.ratioCpu = result.synth.cpuMs / result.floor.cpuMs;
  return result;
}

/** The cold-start commands: what users run, and the cdk8s CLI alone (the part of `npx cdk8s synth` we do not own). */
const COLD_COMMANDS = {
  cdk8s: (out) => ['npx', '--no-install', 'cdk8s', 'synth', '--output', out],
  virtwork: (out) => [process.execPath, join(ROOT, 'build', 'bin', 'virtwork.js'), 'synth', '--output-dir', out],
  cdk8sCli: () => ['npx', '--no-install', 'cdk8s', '--version'],
};

/**
 * Times each cold-start command `runs` times, interleaved, into a scratch directory (dist/ is left alone), each run
 * with an empty TMPDIR so that tsx's transform cache is cold too. Wall time from spawn to exit; CPU time and peak RSS
 * of the process tree from `/usr/bin/time` when it exists. `virtwork synth` runs the compiled bin (build/, made by
 * `npm run build`); it is skipped when the build is missing.
 */
export function benchColdSynth(runs, workdir, log) {
  const app = appLaunch();
  log(`  the cdk8s app runs as the ${app.app}${app.stale ? ` (${app.stale})` : ''}`);
  if (app.stale) log(`  warning: ${app.stale}: this measures an edited checkout, not a fresh clone, and virtwork synth runs build/ as it was; run \`npm run build\` first`);
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const names = Object.keys(COLD_COMMANDS).filter((n) => n !== 'virtwork' || existsSync(join(ROOT, 'build', 'bin', 'virtwork.js')));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const tmp = mkdtempSync(join(workdir, 'tmp-'));
      const out = join(workdir, `cold-out-${i}`);
      const cmd = COLD_COMMANDS[name](out);
      const args = time ? ['-f', 'VIRTWORK_BENCH_TIME %U %S %M', ...cmd] : cmd.slice(1);
      const load = loadavg()[0];
      const start = process.hrtime.bigint();
      const result = spawnSync(time ?? cmd[0], args, { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
      const sample = { wallMs, load };
      const m = /VIRTWORK_BENCH_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
      if (m) Object.assign(sample, { cpuMs: (Number(m[1]) + Number(m[2])) * 1000, peakRssMb: Number(m[3]) / 1024 });
      samples[name].push(sample);
      rmSync(tmp, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
    log(`  run ${i + 1}/${runs}: ${names.map((n) => `${n} ${s(samples[n][i].wallMs)}${samples[n][i].cpuMs === undefined ? '' : ` (cpu ${s(samples[n][i].cpuMs)})`}`).join(', ')}`);
  }
  const summary = (list) => {
    const cpu = list.filter((x) => x.cpuMs !== undefined);
    return {
      runs: list.length,
      wallMs: median(list.map((x) => x.wallMs)),
      cpuMs: cpu.length ? median(cpu.map((x) => x.cpuMs)) : undefined,
      peakRssMb: cpu.length ? median(cpu.map((x) => x.peakRssMb)) : undefined,
      load: median(list.map((x) => x.load)),
      samples: list,
    };
  };
  return { ...Object.fromEntries(names.map((n) => [n, summary(samples[n])])), app };
}

/**
 * How `npx cdk8s synth` runs the app here (apps/launch.cjs's own choice): `linked app`, `compiled app`, or `tsx app`
 * with `stale` saying which source is newer than build/ (or that VIRTWORK_APP forces it, or refuses).
 */
export function appLaunch(root = ROOT, env = process.env) {
  const choice = chooseApp(root, env.VIRTWORK_APP);
  if (choice.run === 'bundle') return { app: 'linked app' };
  if (choice.run === 'build') return { app: 'compiled app' };
  if (choice.run === 'refused') return { app: 'refused app', stale: choice.why };
  return { app: 'tsx app', stale: choice.stale === 'VIRTWORK_APP=tsx' ? choice.stale : `${relative(root, choice.stale)} is newer than its compiled file in build/` };
}

/** Table rows (metric, measured, floor, ratio, target, ok, load) for the synthesis results. */
export function synthRows(fleets, cold) {
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
      load: f.load,
    });
    const rssTarget = f.vms >= SYNTH_TARGETS.peakRssAtVms ? SYNTH_TARGETS.peakRssMb : undefined;
    rows.push({
      metric: `synth ${f.vms} VMs, peak RSS`,
      measured: `${f.synth.peakRssMb.toFixed(0)} MB`,
      floor: `${f.floor.peakRssMb.toFixed(0)} MB`,
      ratio: `${(f.synth.peakRssMb / f.floor.peakRssMb).toFixed(2)}×`,
      target: rssTarget === undefined ? '' : `< ${rssTarget} MB`,
      ok: rssTarget === undefined ? undefined : f.synth.peakRssMb < rssTarget,
      load: f.load,
    });
  }
  if (cold) {
    const cli = cold.cdk8sCli;
    const coldRow = (metric, x, floor) => ({
      metric: `${metric} (median of ${x.runs})`,
      measured: `${s(x.wallMs)}${x.cpuMs === undefined ? '' : ` (${s(x.cpuMs)})`}`,
      floor: floor ? `${s(floor.wallMs)}${floor.cpuMs === undefined ? '' : ` (${s(floor.cpuMs)})`} (cdk8s CLI alone)` : '',
      ratio: '',
      target: `≤ ${SYNTH_TARGETS.coldSeconds} s`,
      ok: x.wallMs <= SYNTH_TARGETS.coldSeconds * 1000,
      load: x.load,
    });
    if (cold.cdk8s) rows.push(coldRow(`cold npx cdk8s synth${cold.app ? `, ${cold.app.app}` : ''}, wall (cpu)`, cold.cdk8s, cli));
    if (cold.virtwork) rows.push(coldRow('cold virtwork synth, wall (cpu)', cold.virtwork));
  }
  return rows;
}

/** Milliseconds as seconds with two decimals. */
function s(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
