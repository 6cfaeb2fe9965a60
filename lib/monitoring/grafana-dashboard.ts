import { describeMin } from '../signals/contract';
import { SIGNAL_LABELS, recordName } from './prometheus-rule';
import { RunSignals } from './run-signals';
import { SIGNAL_KINDS } from '../signals/signal-kinds';

/** Uid of the dashboard (one per Grafana organisation; the run is a variable). */
export const DASHBOARD_UID = 'virtwork-signals';
/** Grafana schema version the JSON is written for (Grafana 10 / 11). */
export const DASHBOARD_SCHEMA_VERSION = 39;

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/**
 * The Grafana dashboard of a run: one row per workload, one time series panel per expected signal (a line per VM,
 * the floor drawn as a threshold line), reading the recording rules of the run's PrometheusRule. Templated by
 * `datasource`, `namespace` and `run_id` (defaults: this run), so one dashboard serves every run.
 */
export function grafanaDashboard(run: RunSignals): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const w of run.workloads.filter((x) => x.signals.length > 0)) {
    panels.push({ type: 'row', id: id++, title: w.workload, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    w.signals.forEach((s, i) => {
      const kind = SIGNAL_KINDS[s.kind];
      const selector = [
        'namespace="$namespace"',
        `${SIGNAL_LABELS.runId}="$run_id"`,
        `${SIGNAL_LABELS.workload}="${w.workload}"`,
        `${SIGNAL_LABELS.signal}="${s.kind}"`,
        ...(s.role !== undefined ? [`${SIGNAL_LABELS.role}="${s.role}"`] : []),
      ].join(',');
      const steps: Record<string, unknown>[] = [{ color: s.min === undefined ? 'green' : 'red', value: null }];
      if (s.min !== undefined) steps.push({ color: 'green', value: s.min });
      panels.push({
        type: 'timeseries',
        id: id++,
        title: `${s.kind}${s.role !== undefined ? ` (${s.role})` : ''}: ${describeMin(s.min, kind.unit)}`,
        description: `${kind.description}. Floor: ${s.basis}.`,
        datasource: DATASOURCE,
        gridPos: { h: PANEL_HEIGHT, w: PANEL_WIDTH, x: (i % 2) * PANEL_WIDTH, y: y + Math.floor(i / 2) * PANEL_HEIGHT },
        targets: [{ refId: 'A', datasource: DATASOURCE, expr: `${recordName(s)}{${selector}}`, legendFormat: '{{name}}' }],
        fieldConfig: {
          defaults: {
            unit: kind.grafanaUnit,
            min: 0,
            custom: { thresholdsStyle: { mode: s.min === undefined ? 'off' : 'line' } },
            thresholds: { mode: 'absolute', steps },
          },
          overrides: [],
        },
        options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'min'] }, tooltip: { mode: 'multi', sort: 'none' } },
      });
    });
    y += Math.ceil(w.signals.length / 2) * PANEL_HEIGHT;
  }
  return {
    uid: DASHBOARD_UID,
    title: 'virtwork signals',
    description: 'Whether the load of each virtwork VM is visible in KubeVirt\'s metrics (recording rules of the virtwork-signals PrometheusRule).',
    tags: ['virtwork', 'kubevirt'],
    timezone: 'browser',
    editable: true,
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        templateVariable('namespace', `label_values({${SIGNAL_LABELS.runId}!=""}, namespace)`, run.namespace),
        templateVariable('run_id', `label_values({namespace="$namespace",${SIGNAL_LABELS.runId}!=""}, ${SIGNAL_LABELS.runId})`, run.runId),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

function templateVariable(name: string, query: string, current: string): Record<string, unknown> {
  return {
    name,
    label: name,
    type: 'query',
    datasource: DATASOURCE,
    query: { query, refId: `${name}-values` },
    definition: query,
    current: { text: current, value: current },
    refresh: 2,
    sort: 1,
    hide: 0,
  };
}
