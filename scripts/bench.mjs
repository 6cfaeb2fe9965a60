#!/usr/bin/env node
// `npm run bench`: virtwork's benchmarks (issue 8), each figure next to its floor measured in the same run.
// Prints a table (each row with its target, ok/MISSED and the load average when it was measured) and writes
// .bench/results.json. Not part of `npm test`. See docs/performance.md.
//
//   node scripts/bench.mjs [--sizes 1000,5000,10000] [--runs 3] [--cdk8s-runs 5] [--skip-cdk8s] [--skip-cluster]
//                          [--out .bench/results.json] [--check]
//
// Synthesis half: scripts/bench-synth.mjs (children: bench-synth-child.ts, bench-synth-floor.mjs); fleet expansion
// of a 10,000-VM mix (config, constructs, app checks; time and peak RSS): scripts/bench-fleet.mjs.
// Cluster half: scripts/bench-cluster.{mjs,ts,js} when it exists, the API-server harness binaries are built and
// kubectl is on PATH. It is run as `node --import tsx <script> --out <file.json>` (its output is shown) and its
// figures become results.cluster: <file.json> if it writes it, else the .bench/cluster.json it wrote during the run.
// Rows for the table: the figures' `rows` ([{ metric, measured, floor?, ratio?, target?, ok? }]) when present, else
// derived from `apply` / `cleanup` ({ virtworkSeconds, kubectlSeconds }) and `wait` ({ seconds, apiRequests, vmis,
// ready }). Exit 3 with a one-line reason on stdout means skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { benchColdSynth, benchFleet, synthRows } from './bench-synth.mjs';
import { benchFleetExpansion, fleetRows } from './bench-fleet.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SKIPPED_EXIT = 3;

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,10000' },
    runs: { type: 'string', default: '3' },
    'cdk8s-runs': { type: 'string', default: '5' },
    'skip-cdk8s': { type: 'boolean', default: false },
    'skip-cluster': { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, '.bench', 'results.json') },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  const comments = header.slice(0, header.findIndex((l) => !l.startsWith('//')));
  process.stdout.write(`${comments.map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}
const sizes = opts.sizes.split(',').map((x) => positiveInt('--sizes', x));
const runs = positiveInt('--runs', opts.runs);
const cdk8sRuns = positiveInt('--cdk8s-runs', opts['cdk8s-runs']);

const log = (line) => process.stderr.write(`${line}\n`);
const workdir = mkdtempSync(join(tmpdir(), 'virtwork-bench-'));
const results = { date: new Date().toISOString(), machine: machine(), loadBefore: loadavg(), synth: {}, cluster: undefined };
const rows = [];
try {
  const fleets = [];
  for (const vms of sizes) {
    log(`synthesis: fleet of ~${vms} VMs, ${runs} run(s) of synth and of the floor`);
    fleets.push(benchFleet(vms, runs, workdir, log));
  }
  results.synth.fleets = fleets;
  if (!opts['skip-cdk8s']) {
    log(`synthesis: cold npx cdk8s synth and virtwork synth of the default app, ${cdk8sRuns} run(s) each`);
    results.synth.cold = benchColdSynth(cdk8sRuns, workdir, log);
  }
  rows.push(...synthRows(fleets, results.synth.cold));
  results.synth.fleetExpansion = benchFleetExpansion(10_000, runs, workdir, log);
  rows.push(...fleetRows(results.synth.fleetExpansion));
  results.cluster = opts['skip-cluster'] ? { skipped: '--skip-cluster' } : runCluster(workdir);
  if (results.cluster.rows) rows.push(...results.cluster.rows);
  results.loadAfter = loadavg();
  results.rows = rows;
} finally {
  rmSync(workdir, { recursive: true, force: true });
}

printTable(rows);
for (const f of results.synth.fleets) {
  const p = f.phases;
  process.stdout.write(
    `synth ${f.vms} VMs by phase (one run), CPU time: buildApp ${sec(p.buildAppCpuMs)}, toJson ${sec(p.toJsonCpuMs)}, YAML ${sec(p.yamlCpuMs)}, write ${sec(p.writeCpuMs)}\n`,
  );
}
if (results.cluster.skipped) process.stdout.write(`cluster benchmarks ${results.cluster.failed ? 'failed' : 'skipped'}: ${results.cluster.skipped}\n`);
const m = results.machine;
process.stdout.write(`machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}; load average ${results.loadBefore.map((x) => x.toFixed(1)).join(' ')} before, ${results.loadAfter.map((x) => x.toFixed(1)).join(' ')} after\n`);
const out = resolve(opts.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
process.stdout.write(`results written to ${out}\n`);
const missed = rows.filter((r) => r.ok === false);
if (missed.length) process.stdout.write(`targets missed: ${missed.map((r) => r.metric).join('; ')}\n`);
process.exit(opts.check && missed.length ? 1 : 0);

/** The cluster half: the apply engineer's scripts/bench-cluster.*, when it and its binaries exist. */
function runCluster(dir) {
  const script = ['mjs', 'ts', 'js'].map((ext) => join(ROOT, 'scripts', `bench-cluster.${ext}`)).find((f) => existsSync(f));
  if (!script) return { skipped: 'scripts/bench-cluster.* does not exist' };
  const binaries = spawnSync(process.execPath, ['--import', TSX, '-e', "process.stdout.write(JSON.stringify(require('./test/harness/binaries.ts').findBinaries()))"], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (binaries.status !== 0) return { skipped: `cannot check the API-server harness binaries: ${binaries.stderr.trim().split('\n').pop()}` };
  const found = JSON.parse(binaries.stdout);
  if (found.missing) return { skipped: found.missing };
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) return { skipped: 'kubectl not found on PATH' };
  log(`cluster: ${script.replace(ROOT, '')}`);
  const file = join(dir, 'cluster.json');
  const legacy = join(ROOT, '.bench', 'cluster.json');
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', TSX, script, '--out', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stderr.write(run.stdout ?? '');
  if (run.status === SKIPPED_EXIT) return { skipped: (run.stdout ?? '').trim().split('\n').pop() || 'skipped by bench-cluster' };
  const written = [file, legacy].find((f) => existsSync(f) && statSync(f).mtimeMs >= started);
  if (run.status !== 0 || !written) return { skipped: `${script.replace(ROOT, '')} exited ${run.status} (its output is above)`, failed: true };
  const figures = JSON.parse(readFileSync(written, 'utf8'));
  return { ...figures, rows: figures.rows ?? clusterRows(figures) };
}

/** Table rows from bench-cluster's figures: virtwork-apply measured, kubectl as the floor. */
function clusterRows(f) {
  const rows = [];
  const versus = (metric, x) =>
    x && rows.push({ metric, measured: sec(x.virtworkSeconds * 1000), floor: `${sec(x.kubectlSeconds * 1000)} (kubectl)`, ratio: `${(x.virtworkSeconds / x.kubectlSeconds).toFixed(2)}×` });
  versus(`apply ${f.objects ?? '?'} objects (${f.vms ?? '?'} VMs)`, f.apply);
  if (f.wait) {
    rows.push({ metric: `wait for ${f.wait.vmis} VMIs Ready`, measured: `${sec(f.wait.seconds * 1000)}, ${f.wait.apiRequests} API requests`, floor: '', ratio: '', target: '', ok: f.wait.ready === f.wait.vmis ? undefined : false });
  }
  versus(`cleanup ${f.vms ?? '?'} VMs, until gone`, f.cleanup);
  return rows;
}

function printTable(list) {
  const table = new Table({
    head: ['metric', 'measured', 'floor', 'ratio', 'target', '', 'load'],
    style: { head: [], border: [] },
  });
  // load: the 1-minute load average when the figure was measured (the machine is shared)
  for (const r of list) table.push([r.metric, r.measured ?? '', r.floor ?? '', r.ratio ?? '', r.target ?? '', r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED', r.load === undefined ? '' : r.load.toFixed(1)]);
  process.stdout.write(`${table.toString()}\n`);
}

function machine() {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function positiveInt(flag, raw) {
  if (!/^[1-9]\d*$/.test(raw)) {
    process.stderr.write(`bench: ${flag} takes positive integers, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return Number(raw);
}

function sec(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
