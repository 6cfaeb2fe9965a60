import { grafanaDashboard } from '../../lib/monitoring/grafana-dashboard';
import { KUBEVIRT_METRICS } from '../../lib/signals/kubevirt-metrics';
import { ruleGroups } from '../../lib/monitoring/prometheus-rule';
import { RunSignals } from '../../lib/monitoring/run-signals';
import { SIGNAL_KINDS } from '../../lib/signals/signal-kinds';
import { everyBuiltinRun, kubevirtMetrics, parsePromql, promtool, ruleFile } from './_support';

/** Every PromQL expression virtwork emits for a run: rule and alert expressions, dashboard targets, check queries. */
function expressions(run: RunSignals): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const g of ruleGroups(run)) for (const r of g.rules) out.push({ where: `rule ${g.name} ${r.record ?? r.alert}`, expr: r.expr });
  for (const p of (grafanaDashboard(run).panels as any[]).filter((x) => x.type === 'timeseries')) {
    for (const t of p.targets) out.push({ where: `panel ${p.title}`, expr: dashboardExpr(t.expr) });
  }
  for (const w of run.workloads) for (const s of w.signals) out.push({ where: `check ${w.workload} ${s.kind}`, expr: s.query });
  return out;
}

/** A dashboard target with its Grafana variables replaced by sample values. */
function dashboardExpr(expr: string): string {
  return expr.replace(/\$namespace/g, 'vw').replace(/\$run_id/g, 'run-1');
}

/** Problems of expressions: syntax, metric names KubeVirt does not export, labels those metrics do not carry. */
function metricProblems(exprs: readonly { where: string; expr: string }[], recorded: ReadonlySet<string>): string[] {
  const known = kubevirtMetrics();
  const problems: string[] = [];
  for (const { where, expr } of exprs) {
    let selectors;
    try {
      selectors = parsePromql(expr);
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    for (const sel of selectors) {
      if (recorded.has(sel.metric)) continue;
      const metric = known.get(sel.metric);
      if (!metric) {
        problems.push(`${where}: ${sel.metric} is neither a KubeVirt VMI metric nor a virtwork recording rule`);
        continue;
      }
      for (const label of sel.labels) if (!metric.labels.has(label)) problems.push(`${where}: ${sel.metric} has no label ${label}`);
    }
  }
  return problems;
}

describe('metric names and expressions', () => {
  const run = everyBuiltinRun();
  const recorded = new Set(ruleGroups(run).flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => r !== undefined)));

  it('GIVEN every built-in workload WHEN its rules, dashboard and check queries are parsed THEN they name only metrics and labels KubeVirt exports', () => {
    const exprs = expressions(run);
    expect(exprs.length).toBeGreaterThan(30);
    expect(metricProblems(exprs, recorded)).toEqual([]);
  });

  it('GIVEN the metric constants and signal kinds THEN every name is in the verified KubeVirt list', () => {
    const known = kubevirtMetrics();
    const used = [...Object.values(KUBEVIRT_METRICS), ...Object.values(SIGNAL_KINDS).flatMap((k) => k.metrics)];
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it('fails when an expression names a metric KubeVirt does not export (kubevirt_vmi_memory_used_bytes is only a recording rule)', () => {
    const problems = metricProblems([{ where: 'test', expr: 'sum by (name) (kubevirt_vmi_memory_used_bytes{namespace="vw"})' }], recorded);
    expect(problems).toEqual(['test: kubevirt_vmi_memory_used_bytes is neither a KubeVirt VMI metric nor a virtwork recording rule']);
  });

  it('fails when an expression matches on a label the metric does not carry', () => {
    expect(metricProblems([{ where: 'test', expr: 'rate(kubevirt_vmi_cpu_usage_seconds_total{vmi="x"}[5m])' }], recorded))
      .toEqual(['test: kubevirt_vmi_cpu_usage_seconds_total has no label vmi']);
  });

  it('fails when an expression does not parse', () => {
    expect(metricProblems([{ where: 'test', expr: 'sum(rate(kubevirt_vmi_cpu_usage_seconds_total[5m])' }], recorded)[0]).toMatch(/^test: PromQL syntax error/);
  });

  it('GIVEN the dashboard targets WHEN promtool checks them as recording rules THEN Prometheus itself parses every one', () => {
    const exprs = expressions(run).filter((e) => e.where.startsWith('panel'));
    const file = ruleFile([{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `virtwork:dashboard_target_${i}`, expr: e.expr })) }]);
    const r = promtool({ 'dashboard.yaml': file }, () => ['check', 'rules', 'dashboard.yaml']);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
