import { stringify } from 'yaml';
import { FLAT_ALERT, MISSING_ALERT, prometheusRuleManifest, recordName, ruleGroups } from '../../lib/monitoring/prometheus-rule';
import { runSignals } from '../../lib/monitoring/run-signals';
import { schemaProblems } from '../support/validators';
import { App } from 'cdk8s';
import { Workload } from '../../lib/workloads/_workload';
import { buildApp, WorkloadSelection } from '../../lib/render/synth';
import { everyBuiltinRun, promtool, ruleFile, workloadsOf } from './_support';

/** The workload constructs synthesis builds for `workloads` (instances included). */
function synthesizedWorkloads(workloads: WorkloadSelection[]): Workload[] {
  const app: App = buildApp({ namespace: 'vw', runId: 'run-1', workloads });
  return app.node.findAll().filter((c): c is Workload => c instanceof Workload);
}

describe('PrometheusRule', () => {
  it('GIVEN every built-in workload WHEN the PrometheusRule is rendered THEN the real prometheus-operator CRD schema accepts it', () => {
    const rule = prometheusRuleManifest(everyBuiltinRun(), 'virtwork-signals', { 'virtwork/run-id': 'run-1' });
    expect(schemaProblems(rule as never)).toEqual([]);
  });

  it('GIVEN every built-in workload WHEN promtool checks the rule groups THEN they are valid Prometheus rules', () => {
    const r = promtool({ 'rules.yaml': ruleFile(ruleGroups(everyBuiltinRun())) }, () => ['check', 'rules', 'rules.yaml']);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('GIVEN two instances of one type THEN each has its own group and labels, and promtool accepts the file', () => {
    const run = runSignals(synthesizedWorkloads([{ name: 'cpu-light', workload: 'cpu', params: { 'cpu-load-percent': 20 } }, { name: 'cpu-heavy', workload: 'cpu' }]));
    expect(run.workloads.map((w) => [w.workload, w.type, w.vms.map((v) => v.name)])).toEqual([
      ['cpu-light', 'cpu', ['virtwork-cpu-light-0']], ['cpu-heavy', 'cpu', ['virtwork-cpu-heavy-0']],
    ]);
    const groups = ruleGroups(run);
    expect(groups.map((g) => [g.name, g.rules[0].labels!.virtwork_workload])).toEqual([['virtwork-cpu-light', 'cpu-light'], ['virtwork-cpu-heavy', 'cpu-heavy']]);
    const r = promtool({ 'rules.yaml': ruleFile(groups) }, () => ['check', 'rules', 'rules.yaml']);
    expect(r.status).toBe(0);
  });

  it('GIVEN a workload without expected signals (a catalog entry without signals:) THEN it gets no rule group', () => {
    const run = runSignals(workloadsOf([{ name: 'cpu' }]));
    const empty = { ...run, workloads: [{ ...run.workloads[0], signals: [] }] };
    expect(ruleGroups(empty)).toEqual([]);
  });

  it('GIVEN a storage-bench (finite) signal THEN it has a missing alert but no flat alert (its load ends by design)', () => {
    const groups = ruleGroups(runSignals(workloadsOf([{ name: 'storage-bench' }])));
    expect(groups[0].rules.map((r) => r.alert ?? 'record')).toEqual(['record', MISSING_ALERT, 'record', MISSING_ALERT]);
  });

  describe('promtool test rules: which alerts fire for fed series', () => {
    // GIVEN a run of cpu (2 VMs of 2 cores: floor 1 core) and memory (1 VM), evaluated every minute
    const run = runSignals(workloadsOf([{ name: 'cpu', vmCount: 2, cpuCores: 2 }, { name: 'memory' }], 'run-1', 'vw'));
    const cpu = run.workloads[0].signals[0];
    const base = { virtwork_run_id: 'run-1', virtwork_workload: 'cpu', virtwork_signal: 'cpu-usage', severity: 'warning', namespace: 'vw' };

    function test(inputSeries: { series: string; values: string }[], alerts: Record<string, unknown>[]) {
      const tests = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: alerts }],
      };
      return promtool({ 'rules.yaml': ruleFile(ruleGroups(run)), 'test.yaml': stringify(tests, { lineWidth: 0 }) }, () => ['test', 'rules', 'test.yaml']);
    }
    const cpuSeries = (vm: string, perMinute: number) => ({
      series: `kubevirt_vmi_cpu_usage_seconds_total{namespace="vw",name="${vm}",node="n1"}`, values: `0+${perMinute}x40`,
    });
    const memSeries = (vm: string) => [
      { series: `kubevirt_vmi_memory_available_bytes{namespace="vw",name="${vm}",node="n1"}`, values: '2000000000x40' },
      { series: `kubevirt_vmi_memory_usable_bytes{namespace="vw",name="${vm}",node="n1"}`, values: '400000000x40' },
    ];
    const annotationsOf = (alert: string, vm: string, value?: string) => {
      const rule = ruleGroups(run).flatMap((g) => g.rules).find((r) => r.alert === alert && r.expr.includes(recordName(cpu)))!;
      const fill = (t: string) => t.replace(/\{\{ \$labels\.name \}\}/g, vm).replace(/\{\{ \$value \| humanize \}\}/g, value ?? '');
      return Object.fromEntries(Object.entries(rule.annotations!).map(([k, v]) => [k, fill(v)]));
    };

    it('WHEN every VM moves THEN no alert fires', () => {
      const r = test([cpuSeries('virtwork-cpu-0', 120), cpuSeries('virtwork-cpu-1', 90), ...memSeries('virtwork-memory-0')], [
        { eval_time: '20m', alertname: FLAT_ALERT, exp_alerts: [] },
        { eval_time: '20m', alertname: MISSING_ALERT, exp_alerts: [] },
      ]);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
    });

    it('WHEN one cpu VM is flat and the memory VM exports nothing THEN exactly those two alerts fire, naming run, workload and VM', () => {
      const r = test([cpuSeries('virtwork-cpu-0', 120), cpuSeries('virtwork-cpu-1', 0)], [
        { eval_time: '5m', alertname: FLAT_ALERT, exp_alerts: [] },
        {
          eval_time: '20m', alertname: FLAT_ALERT,
          exp_alerts: [{ exp_labels: { ...base, name: 'virtwork-cpu-1', virtwork_vm: 'virtwork-cpu-1' }, exp_annotations: annotationsOf(FLAT_ALERT, 'virtwork-cpu-1', '0') }],
        },
        {
          eval_time: '20m', alertname: MISSING_ALERT,
          exp_alerts: [{
            exp_labels: { ...base, virtwork_workload: 'memory', virtwork_signal: 'memory-used-ratio', name: 'virtwork-memory-0', virtwork_vm: 'virtwork-memory-0' },
            exp_annotations: Object.fromEntries(Object.entries(ruleGroups(run)[1].rules[1].annotations!).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.name \}\}/g, 'virtwork-memory-0')])),
          }],
        },
      ]);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
    });

    it('fails when the expected alerts are wrong (the test can fail: a moving VM listed as flat)', () => {
      const r = test([cpuSeries('virtwork-cpu-0', 120), cpuSeries('virtwork-cpu-1', 120), ...memSeries('virtwork-memory-0')], [
        { eval_time: '20m', alertname: FLAT_ALERT, exp_alerts: [{ exp_labels: { ...base, name: 'virtwork-cpu-1', virtwork_vm: 'virtwork-cpu-1' } }] },
      ]);
      expect(r.status).not.toBe(0);
      expect(r.output).toContain('FAILED');
    });
  });
});
