// Benchmark of virtwork-apply against the real API server of the test harness (not a test: prints figures).
//   node --import tsx scripts/bench-cluster.ts [--vms 500] [--large 5000] [--runs 3] [--large-runs 3] [--out <file.json>]
// (`npm run bench` runs it as its cluster half.) Exit 3 with one line on stdout: skipped (no binaries, no kubectl).
// Starts etcd + kube-apiserver with the KubeVirt/CDI CRDs (bash test/harness/build.sh provides them), synthesizes
// <vms> cpu VMs with their Secrets, and measures, each time in a fresh namespace:
//   apply:   `virtwork-apply apply <dir>` (the CLI as a subprocess, with and without its pre-write server-side dry run)
//            vs a minimal raw client (scripts/bench-raw-apply.mjs, a process too: 16 concurrent server-side-apply PATCHes, keep-alive,
//            no checks; target virtwork-apply ≤ 1.2× it), vs the same raw client dry-running every object first
//            (--validate-first: the floor of an apply that validates before writing; target ≤ 1.2× it too)
//            (these four interleaved, --runs times each, the median kept) and vs `kubectl apply --server-side -f <dir>`; API requests
//            per object from the API server's audit log, and the
//            share of it spent validating every object by server-side dry run before the first write (its `validated` event)
//   wait:    waiting for <vms> VMIs made Ready by the stand-in controller, and the API requests it took
//   cleanup: `virtwork-apply cleanup --yes --wait` vs `kubectl delete <kinds> -l app.kubernetes.io/managed-by=virtwork --wait`
//   large:   <large> VMs (cpu, memory, chaos-process, chaos-network, network): apply (with and without the dry run)
//            against the raw client (the four interleaved, --large-runs times each, the median kept), wait,
//            cleanup (kubectl would take many minutes there and is left out)
// Prints a table and writes .bench/cluster.json (and --out when given).
import * as k8s from '@kubernetes/client-node';
import Table from 'cli-table3';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '../lib/cluster/kubeconfig';
import { readManifests } from '../lib/cluster/manifests';
import { waitForVms } from '../lib/cluster/wait';
import { renderToDir } from '../lib/render/render';
import { findBinaries } from '../test/harness/binaries';
import { startControlPlane } from '../test/harness/control-plane';
import { installCrds } from '../test/harness/crds';
import { startFakeKubevirt } from '../test/harness/fake-kubevirt';
import { startFaultProxy } from '../test/cluster/_fault-proxy';
import { Audited, audit } from './bench-audit';

const RAW_CLIENT = path.join(__dirname, 'bench-raw-apply.mjs');

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const VMS = Number(arg('--vms') ?? 500);
const LARGE = Number(arg('--large') ?? 5000);
/** Runs of each apply compared with the raw client at <vms> VMs (the median is reported). */
const RUNS = Number(arg('--runs') ?? 3);
/**
 * Runs of each apply at <large> VMs. One run of each, one after the other, measured the same variant 1.0× and 1.3×
 * the validating raw client on two days: the store grows with every run, so they are interleaved too.
 */
const LARGE_RUNS = Number(arg('--large-runs') ?? 3);
/** Target of virtwork-apply's apply time against the raw client. */
const TARGET_RAW = 1.2;
const OUT = arg('--out');
/** Exit code meaning "skipped" for `npm run bench`. */
const SKIPPED = 3;
/** Target of the apply and cleanup ratios against kubectl. */
const TARGET_RATIO = 5;
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const CLEANUP_KINDS = 'virtualmachines.kubevirt.io,services,secrets,datavolumes.cdi.kubevirt.io,persistentvolumeclaims';

/** The virtwork-apply CLI: the compiled bin when `npm run build` made it, else the TypeScript through tsx. */
function virtworkApply(): { command: string; args: string[]; how: string } {
  const built = path.join(ROOT, 'build', 'bin', 'virtwork-apply.js');
  if (fs.existsSync(built)) return { command: process.execPath, args: [built], how: 'node build/bin/virtwork-apply.js' };
  return { command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'bin', 'virtwork-apply.ts')], how: 'node --import tsx bin/virtwork-apply.ts (run `npm run build` for the compiled bin)' };
}

/** Runs a command, fails loudly on a non-zero exit, returns its wall time in seconds. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  return timedOutput(command, args, env).seconds;
}

/** {@link timed}, with what the command printed on stdout. */
function timedOutput(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { seconds: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

interface LargeFigures {
  vms: number;
  objects: number;
  apply: Repeated;
  noDryRun: Repeated;
  raw: Repeated;
  rawValidated: Repeated;
  wait: Audited<{ seconds: number; ready: number }>;
  cleanup: Audited<number>;
}

/** A measurement repeated: the median run (its requests), and every run's time. */
type Repeated = Audited<number> & { readonly runs?: readonly number[] };

/**
 * Runs every variant `runs` times, interleaved (so that all of them see the same load), each run in a fresh namespace
 * `<prefix>-<variant, lower case>-<run>`, and keeps each variant's median run.
 */
async function interleaved<K extends string>(runs: number, variants: Record<K, (namespace: string) => Promise<Audited<number>>>, prefix: string): Promise<Record<K, Repeated>> {
  const all = new Map<K, Audited<number>[]>();
  for (let i = 0; i < runs; i++) {
    for (const key of Object.keys(variants) as K[]) all.set(key, [...(all.get(key) ?? []), await variants[key](`${prefix}-${key.toLowerCase()}-${i}`)]);
  }
  return Object.fromEntries([...all].map(([key, measured]) => {
    const sorted = [...measured].sort((a, b) => a.result - b.result);
    return [key, { ...sorted[Math.floor((sorted.length - 1) / 2)], runs: measured.map((m) => m.result) }];
  })) as Record<K, Repeated>;
}

/**
 * Rows of virtwork-apply against the raw client, with and without its pre-write dry run, and of the default apply
 * against the raw client that dry-runs every object first (the floor of a validating apply); requests per object.
 */
function rawRows(what: string, objects: number, withDryRun: Repeated, noDryRun: Repeated, raw: Repeated, rawValidated: Repeated): object[] {
  const perObject = (a: Audited<unknown>) => `${(a.requests / objects).toFixed(2)} requests / object (${a.requests})`;
  const seconds = (a: Repeated) => (a.runs && a.runs.length > 1 ? `median ${a.result.toFixed(2)} s of ${a.runs.map((r) => r.toFixed(2)).join(', ')}` : `${a.result.toFixed(2)} s`);
  const row = (metric: string, a: Repeated, floor: Repeated, client: string) => ({
    metric, measured: `${seconds(a)}, ${perObject(a)}`, floor: `${seconds(floor)}, ${perObject(floor)} (${client})`,
    ratio: `${(a.result / floor.result).toFixed(2)}×`, target: `≤ ${TARGET_RAW}× the ${client}`, ok: a.result / floor.result <= TARGET_RAW,
  });
  return [
    row(`apply ${objects} objects (${what}) against the raw client`, withDryRun, raw, 'raw client'),
    row(`apply ${objects} objects (${what}) against the raw client that dry-runs every object first`, withDryRun, rawValidated, 'raw client --validate-first'),
    row(`apply ${objects} objects (${what}), --no-validate-first, against the raw client`, noDryRun, raw, 'raw client'),
  ];
}

/** Rows of the large fleet's applies against the raw client. */
function largeApplyRows(l: LargeFigures): object[] {
  return rawRows(`${l.vms} VMs`, l.objects, l.apply, l.noDryRun, l.raw, l.rawValidated);
}

/** Rows of the large fleet's wait and cleanup, with their API requests. */
function largeWaitRows(l: LargeFigures): object[] {
  return [
    { metric: `wait for ${l.vms} VMIs Ready`, measured: `${l.wait.result.seconds.toFixed(2)} s`, floor: '', ratio: '',
      target: 'every VMI ready', ok: l.wait.result.ready === l.vms },
    { metric: `cleanup ${l.vms} VMs + Secrets + Services, until gone`, measured: `${l.cleanup.result.toFixed(2)} s, ${(l.cleanup.requests / l.objects).toFixed(2)} requests / object (${l.cleanup.requests})`,
      floor: '', ratio: '', target: '', ok: undefined },
  ];
}

async function main(): Promise<void> {
  const binaries = findBinaries();
  const kubectl = spawnSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' });
  if ('missing' in binaries || kubectl.status !== 0) {
    console.log(`bench-cluster skipped: ${'missing' in binaries ? binaries.missing : `${KUBECTL} not found`}`);
    process.exit(SKIPPED);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'virtwork-bench-cluster-'));
  const controlPlane = await startControlPlane(binaries, { auditLog: true });
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(controlPlane.kubeconfigPath);
    await installCrds(kc);
    const kubeconfig = controlPlane.kubeconfigPath;
    const cli = virtworkApply();
    const synth = (namespace: string, workloads = [{ name: 'cpu', vmCount: VMS }]): string => {
      const dir = path.join(work, namespace);
      renderToDir({ namespace, runId: 'bench', workloads }, dir);
      fs.rmSync(path.join(dir, 'kustomization.yaml'), { force: true }); // kubectl -f <dir> would send it to the server
      return dir;
    };
    const objects = (await readManifests(synth('warm-virtwork'))).length;
    // warm the server's caches (and the page cache of both programs) before measuring
    timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', 'apply', path.join(work, 'warm-virtwork')]);
    // kubectl applies the files of a directory in name order (cpu.yaml before namespace.yaml): create its namespace
    // first, outside the measured time (in kubectl's favour)
    const kubectlApply = (dir: string): number => {
      timed(KUBECTL, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', path.join(dir, 'namespace.yaml')]);
      return timed(KUBECTL, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', dir]);
    };
    kubectlApply(synth('warm-kubectl'));

    // apply: the same files, fresh namespaces, both as processes
    const ours = synth('bench-virtwork');
    const theirs = synth('bench-kubectl');
    const applied = timedOutput(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', '-o', 'json', 'apply', ours]);
    const applyVirtwork = applied.seconds;
    const validated = applied.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; seconds?: number })
      .find((e) => e.event === 'validated');
    const validationSeconds = validated?.seconds ?? Number.NaN;
    const applyKubectl = kubectlApply(theirs);
    /** The 1-minute load average just after each part, printed beside its rows (the machine may be shared). */
    const load = { kubectl: os.loadavg()[0], raw: 0, wait: 0, cleanup: 0, large: 0, largeWait: 0 };
    // the same files again, each in a fresh namespace: without the dry run, and with the raw client; requests per
    // object from the audit log
    const audited = <T>(run: () => T | Promise<T>) => audit(controlPlane.auditLogPath!, run);
    const { withDryRun, noDryRun, raw, rawValidated } = await interleaved(RUNS, {
      withDryRun: (ns) => audited(() => timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', 'apply', synth(ns)])),
      noDryRun: (ns) => audited(() => timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', 'apply', '--no-validate-first', synth(ns)])),
      raw: (ns) => audited(() => timed(process.execPath, [RAW_CLIENT, kubeconfig, synth(ns)])),
      rawValidated: (ns) => audited(() => timed(process.execPath, [RAW_CLIENT, kubeconfig, synth(ns), '--validate-first'])),
    }, 'bench');
    load.raw = os.loadavg()[0];

    // wait: VMIs made Ready by the stand-in; requests counted by a pass-through proxy
    // the stand-in gets a pooled KubeConfig (keep-alive connections), else its own TLS handshakes dominate the wait
    const fake = await startFakeKubevirt({ kubeconfig: connect({ kubeconfig, maxSockets: 8 }).kc, namespace: 'bench-virtwork', readyDelayMs: 100 });
    const proxy = await startFaultProxy(kubeconfig);
    const waitStarted = process.hrtime.bigint();
    const results = await waitForVms(connect({ kubeconfig: proxy.kubeconfigPath }), { namespace: 'bench-virtwork', runId: 'bench', timeoutMs: 600_000 });
    const waitSeconds = Number(process.hrtime.bigint() - waitStarted) / 1e9;
    const waitRequests = proxy.requests.length;
    const readyCount = results.filter((r) => r.outcome === 'ready').length;
    load.wait = os.loadavg()[0];
    await proxy.close();
    await fake.stop();

    // cleanup: both delete every labelled object of their namespace and wait until it is gone
    const cleanupVirtwork = timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', '-n', 'bench-virtwork', 'cleanup', '--yes', '--wait']);
    const cleanupKubectl = timed(KUBECTL, ['--kubeconfig', kubeconfig, '-n', 'bench-kubectl', 'delete', CLEANUP_KINDS, '-l', 'app.kubernetes.io/managed-by=virtwork', '--wait=true']);
    load.cleanup = os.loadavg()[0];

    /** <n> VMs over five workloads without data disks: apply (virtwork-apply and the raw client), wait, cleanup. */
    const largeFleet = async (n: number): Promise<LargeFigures> => {
      const per = n / 5;
      const workloads = [{ name: 'cpu', vmCount: per }, { name: 'memory', vmCount: per }, { name: 'chaos-process', vmCount: per },
        { name: 'chaos-network', vmCount: per }, { name: 'network', vmCount: per / 2 }];
      const count = (await readManifests(synth('large-count', workloads))).length;
      const { withDryRun: apply, noDryRun: noDryRunLarge, raw: rawLarge, rawValidated: rawValidatedLarge } = await interleaved(LARGE_RUNS, {
        withDryRun: (ns) => audited(() => timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', 'apply', synth(ns, workloads)])),
        noDryRun: (ns) => audited(() => timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', 'apply', '--no-validate-first', synth(ns, workloads)])),
        raw: (ns) => audited(() => timed(process.execPath, [RAW_CLIENT, kubeconfig, synth(ns, workloads)])),
        rawValidated: (ns) => audited(() => timed(process.execPath, [RAW_CLIENT, kubeconfig, synth(ns, workloads), '--validate-first'])),
      }, 'large');
      load.large = os.loadavg()[0];
      // the wait and the cleanup: the VMs of the first default apply
      const namespace = 'large-withdryrun-0';
      const fakeLarge = await startFakeKubevirt({ kubeconfig: connect({ kubeconfig, maxSockets: 8 }).kc, namespace, readyDelayMs: 100 });
      const wait = await audited(async () => {
        const started = process.hrtime.bigint();
        const r = await waitForVms(connect({ kubeconfig }), { namespace, runId: 'bench', timeoutMs: 1_800_000 });
        return { seconds: Number(process.hrtime.bigint() - started) / 1e9, ready: r.filter((x) => x.outcome === 'ready').length };
      });
      await fakeLarge.stop();
      load.largeWait = os.loadavg()[0];
      const cleanup = await audited(() => timed(cli.command, [...cli.args, '--kubeconfig', kubeconfig, '--no-audit', '-n', namespace, 'cleanup', '--yes', '--wait']));
      return { vms: n, objects: count, apply, noDryRun: noDryRunLarge, raw: rawLarge, rawValidated: rawValidatedLarge, wait, cleanup };
    };
    const large = LARGE > 0 ? await largeFleet(LARGE) : undefined;

    const figures = {
      vms: VMS,
      objects,
      cli: cli.how,
      cpus: os.cpus().length,
      apply: { virtworkSeconds: applyVirtwork, kubectlSeconds: applyKubectl, ratio: applyKubectl / applyVirtwork, validationSeconds },
      raw: { withDryRun, noDryRun, raw, rawValidated, objects },
      large,
      wait: { vmis: VMS, ready: readyCount, seconds: waitSeconds, apiRequests: waitRequests, requestsByPath: Object.fromEntries(proxy.counts()) },
      cleanup: { virtworkSeconds: cleanupVirtwork, kubectlSeconds: cleanupKubectl, ratio: cleanupKubectl / cleanupVirtwork },
      loadAverage: os.loadavg(),
      rows: [] as object[],
    };
    const versus = (metric: string, x: { virtworkSeconds: number; kubectlSeconds: number; ratio: number }) => ({
      metric, measured: `${x.virtworkSeconds.toFixed(2)} s`, floor: `${x.kubectlSeconds.toFixed(2)} s (kubectl)`,
      ratio: `${x.ratio.toFixed(1)}× faster`, target: `≥ ${TARGET_RATIO}× faster`, ok: x.ratio >= TARGET_RATIO,
    });
    const at = (value: number, rows: object[]) => rows.map((r) => ({ ...r, load: value }));
    figures.rows = [
      ...at(load.kubectl, [versus(`apply ${objects} objects (${VMS} VMs + Secrets + Namespace)`, figures.apply),
        { metric: 'of which: server-side dry run of every object before the first write', measured: `${validationSeconds.toFixed(2)} s`, floor: '',
          ratio: `${((100 * validationSeconds) / applyVirtwork).toFixed(0)}% of the apply`, target: 'reported (opt out: --no-validate-first)', ok: validated !== undefined }]),
      ...at(load.raw, rawRows(`${VMS} VMs`, objects, withDryRun, noDryRun, raw, rawValidated)),
      ...at(load.wait, [{ metric: `wait for ${VMS} VMIs Ready`, measured: `${waitSeconds.toFixed(2)} s, ${waitRequests} API requests`, floor: '', ratio: '',
        target: 'requests independent of the VM count', ok: readyCount === VMS && waitRequests <= 6 }]),
      ...at(load.cleanup, [versus(`cleanup ${VMS} VMs + Secrets, until gone`, figures.cleanup)]),
      ...(large ? [...at(load.large, largeApplyRows(large)), ...at(load.largeWait, largeWaitRows(large))] : []),
    ];
    const table = new Table({ head: ['measure', 'virtwork-apply', 'kubectl', 'kubectl / virtwork'], style: { head: [], border: [] } });
    table.push(
      [`apply ${objects} objects (${VMS} VMs + Secrets + Namespace)`, `${applyVirtwork.toFixed(2)} s`, `${applyKubectl.toFixed(2)} s`, `${figures.apply.ratio.toFixed(1)}×`],
      ['  of which: validation by server-side dry run', `${validationSeconds.toFixed(2)} s (${((100 * validationSeconds) / applyVirtwork).toFixed(0)}%)`, '-', '-'],
      [`wait for ${VMS} VMIs Ready`, `${waitSeconds.toFixed(2)} s, ${waitRequests} API requests (${readyCount} ready)`, '-', '-'],
      [`cleanup ${VMS} VMs + Secrets, waiting until gone`, `${cleanupVirtwork.toFixed(2)} s`, `${cleanupKubectl.toFixed(2)} s`, `${figures.cleanup.ratio.toFixed(1)}×`],
    );
    console.log(table.toString());
    console.log(`virtwork-apply ran as: ${cli.how}; ${figures.cpus} CPUs; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, '.bench', 'cluster.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (OUT) fs.writeFileSync(OUT, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`wrote .bench/cluster.json${OUT ? ` and ${OUT}` : ''}`);
  } finally {
    await controlPlane.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(`bench-cluster: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
