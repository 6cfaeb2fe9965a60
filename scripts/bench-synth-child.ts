// Child process of `npm run bench` (scripts/bench.mjs) for the synthesis benchmark; run with `node --import tsx`.
// Each mode runs in a fresh process so that its peak RSS is its own; it prints one JSON line on stdout.
//
//   plan    <vms> <dir>          choose a fleet of about <vms> VMs over every built-in workload; write
//                                <dir>/plan.json (the SynthInput) and <dir>/objects.json (chart.toJson() of every
//                                chart, the input of the serialization floor)
//   synth   <plan.json> <outdir> the full pipeline: synthesize() + writeDist(), timed
//   phases  <plan.json> <outdir> the same pipeline step by step (buildApp, toJson, YAML, write) to see what dominates
//                                (the same functions as renderCharts(), holding every chart's objects at once)
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from 'cdk8s';
import { writeDist } from '../lib/render/dist-writer';
import { buildApp, forEachChartJson, KUSTOMIZATION_FILE, renderKustomization, synthesize } from '../lib/render/synth';
import { yamlDocumentWriter } from '../lib/core/_yaml-writer';
import type { SynthInput } from '../lib/render/synth';
import { BUILTIN_WORKLOADS } from '../lib/workloads/_registry';

const NAMESPACE = 'virtwork-bench';

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CPU time (user + system) of this process since `since`, in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

/** Objects per kind over the whole app. */
function countKinds(app: ReturnType<typeof buildApp>): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const chart of app.charts) {
    for (const obj of chart.node.findAll()) {
      if (obj instanceof ApiObject) kinds[obj.kind] = (kinds[obj.kind] ?? 0) + 1;
    }
  }
  return kinds;
}

/** VMs one unit of `vmCount` gives each workload (multi-role workloads give one VM per role). */
function vmsPerUnit(): Record<string, number> {
  const names = Object.keys(BUILTIN_WORKLOADS);
  const app = buildApp({ namespace: NAMESPACE, workloads: names.map((name) => ({ name, vmCount: 1 })) });
  const per: Record<string, number> = {};
  for (const chart of app.charts) {
    if (!names.includes(chart.node.id)) continue;
    per[chart.node.id] = chart.node.findAll().filter((c) => c instanceof ApiObject && c.kind === 'VirtualMachine').length;
  }
  return per;
}

/** An even share of `target` VMs for every built-in workload, as vmCount per workload. */
function plan(target: number, dir: string): void {
  const per = vmsPerUnit();
  const names = Object.keys(per);
  const share = target / names.length;
  const workloads = names.map((name) => ({ name, vmCount: Math.max(1, Math.round(share / per[name])) }));
  const input: SynthInput = { namespace: NAMESPACE, runId: 'bench', workloads };
  const app = buildApp(input);
  const objects: Record<string, unknown[]> = {};
  for (const chart of app.charts) objects[`${chart.node.id}.yaml`] = chart.toJson();
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(input));
  writeFileSync(join(dir, 'objects.json'), JSON.stringify(objects));
  const kinds = countKinds(app);
  let dataVolumeTemplates = 0;
  for (const objs of Object.values(objects)) {
    for (const o of objs as { kind?: string; spec?: { dataVolumeTemplates?: unknown[] } }[]) {
      if (o.kind === 'VirtualMachine') dataVolumeTemplates += o.spec?.dataVolumeTemplates?.length ?? 0;
    }
  }
  const perWorkload = Object.fromEntries(workloads.map((w) => [w.name, w.vmCount * per[w.name]]));
  console.log(JSON.stringify({ vms: kinds.VirtualMachine ?? 0, kinds, dataVolumeTemplates, workloads: perWorkload }));
}

function synth(planFile: string, outdir: string): void {
  const input = JSON.parse(readFileSync(planFile, 'utf8')) as SynthInput;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const files = synthesize(input);
  const synthMs = ms(start);
  writeDist(outdir, files);
  const wallMs = ms(start);
  let bytes = 0;
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  console.log(JSON.stringify({ wallMs, cpuMs: cpuMs(cpu), synthMs, writeMs: wallMs - synthMs, peakRssMb: peakRssMb(), files: files.size, bytes }));
}

function phases(planFile: string, outdir: string): void {
  const input = JSON.parse(readFileSync(planFile, 'utf8')) as SynthInput;
  const figures: Record<string, number> = {};
  /** Runs one phase, recording its wall time (`<name>Ms`) and CPU time (`<name>CpuMs`). */
  const phase = <T>(name: string, run: () => T): T => {
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const result = run();
    figures[`${name}Ms`] = ms(t);
    figures[`${name}CpuMs`] = cpuMs(cpu);
    return result;
  };
  const app = phase('buildApp', () => buildApp(input));
  const json = phase('toJson', () => {
    const all: [string, unknown[]][] = [];
    forEachChartJson(app, (file, objects) => all.push([file, objects]));
    return all;
  });
  const files = phase('yaml', () => {
    const toYaml = yamlDocumentWriter();
    const out = new Map<string, string>(json.map(([name, objs]) => [name, objs.map(toYaml).join('---\n')]));
    out.set(KUSTOMIZATION_FILE, renderKustomization([...out.keys()]));
    return out;
  });
  phase('write', () => writeDist(outdir, files));
  console.log(JSON.stringify({ ...figures, peakRssMb: peakRssMb() }));
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'plan') plan(Number(a), b);
else if (mode === 'synth') synth(a, b);
else if (mode === 'phases') phases(a, b);
else {
  process.stderr.write(`usage: bench-synth-child.ts plan <vms> <dir> | synth <plan.json> <outdir> | phases <plan.json> <outdir>\n`);
  process.exit(2);
}
