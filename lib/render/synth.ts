import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
// the generated Kubernetes L1 classes only: cdk8s-plus-28's index loads every L2 construct too (a tenth of a cold synth)
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { toYamlDocument, yamlDocumentWriter } from '../core/_yaml-writer';
import { defaultResolvers, objectJson } from './_object-json';
import { CloudUser } from '../guest/cloud-init';
import { VirtworkError } from '../core/errors';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { addProvenance } from '../vm/provenance';
import { checkAppObjects } from '../vm/unique-objects';
import { VmOptions, mergeVmOptions } from '../vm/vm-options';
import { GitOpsOptions } from './gitops-files';
import { MigrationSelection } from '../vm/migration';
import { didYouMean } from '../core/_suggest';
import { BUILTIN_WORKLOADS, WorkloadClass } from '../workloads/_registry';
import { Workload } from '../workloads/_workload';
import { SIGNALS_CHART, addSignalsChart } from '../monitoring/signals-chart';

// Part of synthesis's API; it lives with the YAML writer so that the GitOps files and the out-of-band Secrets can
// serialize without importing synthesis (which imports them).
export { toYamlDocument };

/** One selected workload instance and its overrides. */
export interface WorkloadSelection {
  /**
   * Instance name: the chart (`dist/<name>.yaml`), the construct id and so the object names (`virtwork-<name>-<i>`).
   * Without `workload`, also the workload type.
   */
  readonly name: string;
  /**
   * Workload type (a key of the registry), when the instance is named otherwise (`cpu-light` of `cpu`).
   * @default name
   */
  readonly workload?: string;
  /**
   * The fleet the instance belongs to: the instances of one fleet share its chart (`dist/<fleet>.yaml`) and follow
   * one another in `workloads`.
   * @default none (the instance has a chart of its own)
   */
  readonly fleet?: string;
  /** VMs per role. */
  readonly vmCount?: number;
  /** Guest CPU cores. */
  readonly cpuCores?: number;
  /** Guest memory. */
  readonly memory?: string;
  /** Size of the data disk of storage workloads. */
  readonly dataDiskSize?: string;
  /** Params (typed values or strings). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** VM options of this workload; they win over the input's (see mergeVmOptions). */
  readonly vm?: VmOptions;
  /**
   * Readiness probe (the guest's health responder) on every VM.
   * @default true
   */
  readonly readinessProbe?: boolean;
  /** VMs to live-migrate once running. */
  readonly migrate?: MigrationSelection;
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
  /** Default size of the data disk of storage workloads. */
  readonly dataDiskSize?: string;
  /** SSH access. */
  readonly ssh?: CloudUser;
  /** Workloads in output order. */
  readonly workloads: readonly WorkloadSelection[];
  /** Workload classes by name (built-ins by default). */
  readonly registry?: Readonly<Record<string, WorkloadClass>>;
  /** VM options of every workload (a workload's own `vm` wins). */
  readonly vm?: VmOptions;
  /** virtwork version for the provenance annotations (read from package.json at the edge); none without it. */
  readonly version?: string;
  /** What the GitOps files (Argo CD Application, Flux Kustomization) point at; none without it. */
  readonly gitops?: GitOpsOptions;
  /**
   * Add the `signals` chart: the PrometheusRule, Grafana dashboard and signal contract of the run (docs/signals.md).
   * @default false
   */
  readonly signals?: boolean;
}

/** Argo CD annotation ordering a sync: lower waves are applied (and healthy) first. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Sync wave per kind: the Namespace, then Services and Secrets, then the VMs that use them; others wave 0. */
export const SYNC_WAVES: Readonly<Record<string, string>> = { Namespace: '-1', Service: '0', Secret: '0', VirtualMachine: '1' };
/** File of `dist/` listing the others for Kustomize, Argo CD and Flux. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
/** Chart (and file) name of the Namespace; no workload may be called so. */
export const NAMESPACE_CHART = 'namespace';
const RESERVED_NAMES = [NAMESPACE_CHART, 'kustomization', SIGNALS_CHART];

/** Builds the cdk8s App: a `namespace` chart plus one chart per workload, every object with its sync wave. */
export function buildApp(input: SynthInput): App {
  const app = new App({ outdir: 'dist' });
  const registry = input.registry ?? BUILTIN_WORKLOADS;
  const namespace = checkDnsLabel('namespace', input.namespace);
  const nsChart = new Chart(app, NAMESPACE_CHART);
  new k8s.KubeNamespace(nsChart, 'namespace', {
    metadata: { name: namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
  });
  const seen = new Set<string>();
  const workloads: Workload[] = [];
  const fleetCharts = new Set<Chart>();
  for (const sel of input.workloads) {
    const type = sel.workload ?? sel.name;
    const cls = registry[type];
    if (!cls) {
      const known = Object.keys(registry).sort();
      throw new VirtworkError(`unknown workload "${type}"${didYouMean(type, known)}; available: ${known.join(', ')}`);
    }
    if (seen.has(sel.name)) throw new VirtworkError(`workload "${sel.name}" is selected twice`);
    const chartName = sel.fleet ?? sel.name;
    if (RESERVED_NAMES.includes(chartName)) throw new VirtworkError(`${sel.fleet !== undefined ? 'fleet' : 'workload'} "${chartName}": the name is reserved for ${chartName}.yaml in dist/`);
    seen.add(sel.name);
    const existing = app.node.tryFindChild(chartName) as Chart | undefined;
    if (existing !== undefined && (sel.fleet === undefined || !fleetCharts.has(existing))) {
      throw new VirtworkError(`${sel.fleet !== undefined ? 'fleet' : 'workload'} "${chartName}": the name is taken by another workload or fleet (both would be ${chartName}.yaml in dist/)`);
    }
    const chart = existing ?? new Chart(app, chartName, { namespace, disableResourceNameHashes: true });
    if (sel.fleet !== undefined) fleetCharts.add(chart);
    const vm = mergeVmOptions([
      { where: `workload ${sel.name}`, options: { ...sel.vm } },
      { where: `workload ${sel.name}`, options: definedOnly({ cpuCores: sel.cpuCores, memory: sel.memory }) },
      { where: 'synth input', options: { ...input.vm } },
      { where: 'synth input', options: definedOnly({ image: input.image, cpuCores: input.cpuCores, memory: input.memory }) },
    ]);
    const workload = new cls(chart, sel.name, {
      ...vm,
      namespace,
      runId: input.runId,
      dataDiskSize: sel.dataDiskSize ?? input.dataDiskSize,
      vmCount: sel.vmCount,
      ssh: input.ssh,
      params: sel.params,
      readinessProbe: sel.readinessProbe,
      migrate: sel.migrate,
    });
    if (input.version !== undefined) addProvenance(workload, { version: input.version, paramsHash: workload.paramsHash });
    workloads.push(workload);
  }
  if (input.signals) addSignalsChart(app, workloads);
  if (input.version !== undefined) addProvenance(nsChart, { version: input.version });
  addSyncWaves(app);
  checkAppObjects(app);
  return app;
}

/** Annotates every object of `app` with its Argo CD sync wave ({@link SYNC_WAVES}), keeping a wave already set. */
export function addSyncWaves(app: App): void {
  // app.node.findAll, not app.charts: the latter sorts the whole tree topologically on every call
  for (const obj of app.node.findAll()) {
    if (obj instanceof ApiObject && _annotation(obj, SYNC_WAVE_ANNOTATION) === undefined) {
      obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, SYNC_WAVES[obj.kind] ?? '0');
    }
  }
}

/**
 * An annotation already set on `obj`. cdk8s 2.x has no getter: read its metadata's own map, falling back to
 * `metadata.toJson()` (which resolves the whole metadata, 20× slower at fleet scale) if that map ever moves.
 */
function _annotation(obj: ApiObject, key: string): unknown {
  const own = (obj.metadata as unknown as { annotations?: unknown }).annotations;
  if (own !== null && typeof own === 'object') return (own as Record<string, unknown>)[key];
  return obj.metadata.toJson().annotations?.[key];
}

/**
 * Renders every chart of `app` into `<chart-id>.yaml` file contents (multi-document YAML, block literals),
 * plus a `kustomization.yaml` listing them: the namespace first, then the workloads by name.
 */
export function renderCharts(app: App): Map<string, string> {
  const files = new Map<string, string>();
  const toYaml = yamlDocumentWriter(); // one memo of rendered strings for the whole app
  forEachChartJson(app, (file, objects) => files.set(file, objects.map(toYaml).join('---\n')));
  files.set(KUSTOMIZATION_FILE, renderKustomization([...files.keys()]));
  return files;
}

/**
 * Calls `each` with every chart's file name and objects, as `chart.toJson()` gives them, chart by chart (so that
 * only one chart's objects are alive at a time).
 */
export function forEachChartJson(app: App, each: (file: string, objects: unknown[]) => void): void {
  const resolvers = defaultResolvers(app);
  // cdk8s orders charts and objects by a dependency graph of the whole tree (app.charts, and once more per chart); an
  // app without dependencies, nested charts or integer-like chart ids has that order already: the tree's own
  const plain = _treeOrderIsTopology(app);
  const charts = plain ? app.node.findAll().filter((c): c is Chart => c instanceof Chart) : app.charts;
  charts.forEach((chart, i) => {
    // chart.toJson() resolves the dependencies and validates the whole app each time it is called, once per chart; the
    // first call does it for every chart, the others only need their objects in the order chart.toJson() gives them
    const objects = i === 0 ? chart.toJson() : _chartObjects(chart, plain).map((o) => objectJson(o, resolvers));
    each(`${chart.node.id}.yaml`, objects);
  });
}

/**
 * The API objects of `chart` (not of nested charts) in dependency order, as cdk8s's own chart synthesis orders them;
 * with `plain` ({@link _treeOrderIsTopology}), in tree order.
 */
function _chartObjects(chart: Chart, plain: boolean): ApiObject[] {
  if (plain) return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
}

/**
 * Whether cdk8s's DependencyGraph topology of `app` (and of each chart) is the tree's pre-order (`node.findAll()`):
 * when no construct has a dependency and no chart is nested in another (cdk8s would add one for it), every vertex is
 * a root of the graph and the topology visits them in the order of its table by construct path, which is pre-order
 * unless a path is an array index (JavaScript puts those first: a construct directly under the app with an id like
 * `1`).
 */
function _treeOrderIsTopology(app: App): boolean {
  if (app.node.children.some((c) => /^(0|[1-9]\d*)$/.test(c.node.id))) return false;
  for (const c of app.node.findAll()) {
    if (c.node.dependencies.length > 0) return false;
    if (c instanceof Chart && c.node.scope !== undefined && c.node.scope !== app) return false;
  }
  return true;
}

/** A Kustomize `Kustomization` listing `resources`: `namespace.yaml` first, then by name (code-unit order, locale-free). */
export function renderKustomization(resources: readonly string[]): string {
  const rank = (f: string) => (f === `${NAMESPACE_CHART}.yaml` ? 0 : 1);
  const sorted = [...resources].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return '# Generated by virtwork: edit virtwork.yaml and run `virtwork synth`, do not edit by hand.\n' +
    toYamlDocument({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: sorted });
}

/** Synthesizes `input` into file contents: the whole pure pipeline, no I/O. */
export function synthesize(input: SynthInput): Map<string, string> {
  return renderCharts(buildApp(input));
}

function definedOnly(o: Record<string, unknown>): VmOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as VmOptions;
}
