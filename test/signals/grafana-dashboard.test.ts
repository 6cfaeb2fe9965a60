import { DASHBOARD_UID, grafanaDashboard } from '../../lib/monitoring/grafana-dashboard';
import { recordName } from '../../lib/monitoring/prometheus-rule';
import { runSignals } from '../../lib/monitoring/run-signals';
import { everyBuiltinRun, workloadsOf } from './_support';

describe('Grafana dashboard', () => {
  const run = everyBuiltinRun();
  const dashboard = grafanaDashboard(run) as any;

  it('GIVEN every built-in workload THEN there is one row per workload, in order, each followed by a panel per signal', () => {
    const rows = dashboard.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows).toEqual(run.workloads.map((w) => w.workload));
    const panels = dashboard.panels.filter((p: any) => p.type === 'timeseries');
    expect(panels).toHaveLength(run.workloads.reduce((n, w) => n + w.signals.length, 0));
  });

  it('GIVEN the panels THEN ids are unique and no two panels overlap on the 24-column grid', () => {
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`)).toBe(false);
        cells.add(`${i},${j}`);
      }
    }
  });

  it('GIVEN a cpu workload THEN its panel reads the recording rule by namespace, run id, workload and signal, with the floor as threshold', () => {
    const r = runSignals(workloadsOf([{ name: 'cpu', cpuCores: 4 }]));
    const panel = (grafanaDashboard(r) as any).panels[1];
    expect(panel.targets[0].expr).toBe(`${recordName(r.workloads[0].signals[0])}{namespace="$namespace",virtwork_run_id="$run_id",virtwork_workload="cpu",virtwork_signal="cpu-usage"}`);
    expect(panel.fieldConfig.defaults.thresholds.steps).toEqual([{ color: 'red', value: null }, { color: 'green', value: 2 }]);
    expect(panel.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe('line');
  });

  it('GIVEN the templating THEN datasource, namespace and run_id are variables defaulting to this run', () => {
    const vars = dashboard.templating.list;
    expect(vars.map((v: any) => v.name)).toEqual(['datasource', 'namespace', 'run_id']);
    expect(vars[1].current).toEqual({ text: 'vw', value: 'vw' });
    expect(vars[2].current).toEqual({ text: 'run-1', value: 'run-1' });
    expect(dashboard.uid).toBe(DASHBOARD_UID);
  });
});
