import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { stringify } from 'yaml';
import { Chart, Testing } from 'cdk8s';
import { PrometheusRuleGroup } from '../../lib/monitoring/prometheus-rule';
import { RunSignals, runSignals } from '../../lib/monitoring/run-signals';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';
import { Workload } from '../../lib/workloads/_workload';

/** The real promtool of Debian's prometheus package. */
export const PROMTOOL = '/usr/bin/promtool';

/** KubeVirt's VMI metric names with their labels, from the committed fixture (see its header for the source). */
export function kubevirtMetrics(): Map<string, { type: string; labels: Set<string> }> {
  const text = readFileSync(join(__dirname, 'fixtures', 'kubevirt-vmi-metrics.txt'), 'utf8');
  const out = new Map<string, { type: string; labels: Set<string> }>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, type, labels] = line.trim().split(/\s+/);
    out.set(name, { type, labels: new Set(labels.split(',')) });
  }
  return out;
}

/** A selector of a parsed expression: its metric name and the label names it matches on. */
export interface ParsedSelector {
  readonly metric: string;
  readonly labels: readonly string[];
}

/** Parses PromQL with Prometheus's own lezer grammar; throws on a syntax error, returns every vector selector. */
export function parsePromql(expr: string): ParsedSelector[] {
  const tree = parser.parse(expr);
  const selectors: ParsedSelector[] = [];
  let error: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === undefined) error = n.from;
      if (n.type.name !== 'VectorSelector') return;
      const id = n.node.getChild('Identifier');
      const matchers = n.node.getChild('LabelMatchers');
      const labels = matchers ? matchers.getChildren('UnquotedLabelMatcher').map((m) => expr.slice(m.getChild('LabelName')!.from, m.getChild('LabelName')!.to)) : [];
      selectors.push({ metric: id ? expr.slice(id.from, id.to) : '', labels });
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error}: ${expr.slice(Math.max(0, error - 20), error + 20)}`);
  return selectors;
}

/** Runs promtool with `args`, files written to a temp directory first; returns status and output. */
export function promtool(files: Readonly<Record<string, string>>, args: (dir: string) => string[]): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'virtwork-promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(PROMTOOL, args(dir), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Prometheus rule file of groups. */
export function ruleFile(groups: readonly PrometheusRuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}

/** The workload constructs of a synthetic run: each named workload with its props, in one chart per workload. */
export function workloadsOf(specs: readonly { name: string; vmCount?: number; params?: Record<string, unknown>; cpuCores?: number }[], runId = 'run-1', namespace = 'vw'): Workload[] {
  const app = Testing.app();
  return specs.map((s) => {
    const chart = new Chart(app, s.name, { namespace });
    return new BUILTIN_WORKLOADS[s.name](chart, s.name, { runId, namespace, vmCount: s.vmCount, params: s.params, cpuCores: s.cpuCores });
  });
}

/** The run signals of every built-in workload with default params (two VMs per role). */
export function everyBuiltinRun(): RunSignals {
  return runSignals(workloadsOf(Object.keys(BUILTIN_WORKLOADS).map((name) => ({ name, vmCount: 2 }))));
}
