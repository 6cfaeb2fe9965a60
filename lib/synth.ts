import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Document, Scalar, visit } from 'yaml';
import { CloudUser } from './cloud-init';
import { VirtworkError } from './errors';
import { LABEL_MANAGED_BY, MANAGED_BY } from './labels';
import { checkDnsLabel } from './names';
import { didYouMean } from './_suggest';
import { BUILTIN_WORKLOADS, WorkloadClass } from './workloads/_registry';

/** One selected workload and its overrides. */
export interface WorkloadSelection {
  /** Workload name (a built-in). */
  readonly name: string;
  /** VMs per role. */
  readonly vmCount?: number;
  /** Guest CPU cores. */
  readonly cpuCores?: number;
  /** Guest memory. */
  readonly memory?: string;
  /** Params (typed values or strings). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Everything synthesis needs, already merged from file, environment and flags. */
export interface SynthInput {
  /** Namespace of every object. */
  readonly namespace: string;
  /** Run id label value. */
  readonly runId?: string;
  /** containerDisk image. */
  readonly image?: string;
  /** Default CPU cores. */
  readonly cpuCores?: number;
  /** Default memory. */
  readonly memory?: string;
  /** SSH access. */
  readonly ssh?: CloudUser;
  /** Workloads in output order. */
  readonly workloads: readonly WorkloadSelection[];
  /** Workload classes by name (built-ins by default). */
  readonly registry?: Readonly<Record<string, WorkloadClass>>;
}

/** Builds the cdk8s App: a `namespace` chart plus one chart per workload. */
export function buildApp(input: SynthInput): App {
  const app = new App({ outdir: 'dist' });
  const registry = input.registry ?? BUILTIN_WORKLOADS;
  const namespace = checkDnsLabel('namespace', input.namespace);
  const nsChart = new Chart(app, 'namespace');
  new k8s.KubeNamespace(nsChart, 'namespace', {
    metadata: { name: namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
  });
  const seen = new Set<string>();
  for (const sel of input.workloads) {
    const cls = registry[sel.name];
    if (!cls) {
      const known = Object.keys(registry).sort();
      throw new VirtworkError(`unknown workload "${sel.name}"${didYouMean(sel.name, known)}; available: ${known.join(', ')}`);
    }
    if (seen.has(sel.name)) throw new VirtworkError(`workload "${sel.name}" is selected twice`);
    seen.add(sel.name);
    const chart = new Chart(app, sel.name, { namespace, disableResourceNameHashes: true });
    new cls(chart, sel.name, {
      namespace,
      runId: input.runId,
      image: input.image,
      cpuCores: sel.cpuCores ?? input.cpuCores,
      memory: sel.memory ?? input.memory,
      vmCount: sel.vmCount,
      ssh: input.ssh,
      params: sel.params,
    });
  }
  return app;
}

/** Renders every chart of `app` into `<chart-id>.yaml` file contents (multi-document YAML, block literals). */
export function renderCharts(app: App): Map<string, string> {
  const files = new Map<string, string>();
  for (const chart of app.charts) {
    const docs = chart.toJson().map((obj) => toYamlDocument(obj));
    files.set(`${chart.node.id}.yaml`, docs.join('---\n'));
  }
  return files;
}

/** Synthesizes `input` into file contents: the whole pure pipeline, no I/O. */
export function synthesize(input: SynthInput): Map<string, string> {
  return renderCharts(buildApp(input));
}

/** Serializes one object; multi-line strings become block literals so that diffs are line by line. */
export function toYamlDocument(obj: unknown): string {
  const doc = new Document(obj);
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
