import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderToDir } from '../../lib/render/render';
import { KUBE_BURNER_CONFIG_FILE } from '../../lib/monitoring/kube-burner';
import { KUSTOMIZATION_FILE, synthesize } from '../../lib/render/synth';
import { MAX_CONFIGMAP_BYTES, MAX_OBJECT_BYTES, checkStoredSize, CONTRACT_CONFIGMAP, CONTRACT_FILE, DASHBOARD_CONFIGMAP, DASHBOARD_FILE, GRAFANA_DASHBOARD_LABEL, PROMETHEUS_RULE_NAME } from '../../lib/monitoring/signals-chart';
import { RunSignals } from '../../lib/monitoring/run-signals';
import { parseManifests, validateObjects } from '../support/validators';

const input = { namespace: 'vw', runId: 'run-1', workloads: [{ name: 'cpu', vmCount: 2 }, { name: 'network' }] };

describe('signals chart (synth with signals: true)', () => {
  const files = synthesize({ ...input, signals: true });
  const objects = parseManifests(files.get('signals.yaml')!);

  it('GIVEN signals: true THEN dist/ gets signals.yaml with the PrometheusRule and two ConfigMaps, listed in the kustomization', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `PrometheusRule/${PROMETHEUS_RULE_NAME}`, `ConfigMap/${DASHBOARD_CONFIGMAP}`, `ConfigMap/${CONTRACT_CONFIGMAP}`,
    ]);
    expect(parse(files.get(KUSTOMIZATION_FILE)!).resources).toContain('signals.yaml');
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('vw');
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'run-1' });
    }
    expect(objects[1].metadata.labels[GRAFANA_DASHBOARD_LABEL]).toBe('1');
  });

  it('GIVEN the objects THEN the real CRD (PrometheusRule) and core (ConfigMap) schemas accept them', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  it('GIVEN the contract ConfigMap THEN it lists every VM and signal of the run with its query', () => {
    const run = JSON.parse(objects[2].data[CONTRACT_FILE]) as RunSignals;
    expect(run).toMatchObject({ runId: 'run-1', namespace: 'vw' });
    expect(run.workloads.map((w) => [w.workload, w.vms.map((v) => v.name)])).toEqual([
      ['cpu', ['virtwork-cpu-0', 'virtwork-cpu-1']],
      ['network', ['virtwork-network-server-0', 'virtwork-network-client-0']],
    ]);
    expect(run.workloads[0].signals[0]).toMatchObject({ kind: 'cpu-usage', vms: ['virtwork-cpu-0', 'virtwork-cpu-1'], min: 1 });
  });

  it('GIVEN the same input twice THEN signals.yaml is byte-identical; without signals there is no signals.yaml', () => {
    expect(synthesize({ ...input, signals: true }).get('signals.yaml')).toBe(files.get('signals.yaml'));
    const plain = synthesize(input);
    expect(plain.has('signals.yaml')).toBe(false);
    expect(parse(plain.get(KUSTOMIZATION_FILE)!).resources).not.toContain('signals.yaml');
  });

  it('fails when a workload is called like the signals chart', () => {
    expect(() => synthesize({ ...input, workloads: [{ name: 'signals' }], registry: { signals: class {} as never } }))
      .toThrow('workload "signals": the name is reserved for signals.yaml in dist/');
  });

  it('GIVEN the dashboard ConfigMap THEN its JSON is the dashboard, with a row per workload', () => {
    const dashboard = JSON.parse(objects[1].data[DASHBOARD_FILE]);
    expect(dashboard.panels.filter((p: { type: string }) => p.type === 'row').map((p: { title: string }) => p.title)).toEqual(['cpu', 'network']);
  });
});

describe('signals chart limits and the signals directory', () => {
  it('fails when an object would be larger than the API server stores, naming the object and the VM count', () => {
    expect(() => checkStoredSize('PrometheusRule virtwork-signals', 'x'.repeat(MAX_OBJECT_BYTES + 1), MAX_OBJECT_BYTES, 6000)).toThrow(
      'signals: PrometheusRule virtwork-signals of 6000 VMs would be 1572865 bytes, over the 1572864 bytes the API server stores; ' +
        'split the run into several (fewer VMs per run id and namespace) or synthesize without signals');
    expect(() => checkStoredSize('ConfigMap x', 'x'.repeat(MAX_CONFIGMAP_BYTES), MAX_CONFIGMAP_BYTES, 1)).not.toThrow();
  });

  it('GIVEN signals-dir WHEN rendering THEN the dashboard JSON and kube-burner config are written there, and replaced next time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtwork-signals-dir-'));
    try {
      const first = renderToDir({ ...input, signals: true }, join(dir, 'dist'), { signalsDir: join(dir, 'monitoring') });
      expect(first.signals).toEqual({ dir: join(dir, 'monitoring'), files: [KUBE_BURNER_CONFIG_FILE, DASHBOARD_FILE] });
      const dashboard = JSON.parse(readFileSync(join(dir, 'monitoring', DASHBOARD_FILE), 'utf8'));
      expect(dashboard.uid).toBe('virtwork-signals');
      expect(readdirSync(join(dir, 'dist'))).not.toContain(DASHBOARD_FILE);
      renderToDir({ ...input, signals: true }, join(dir, 'dist'), { signalsDir: join(dir, 'monitoring') });
      expect(readdirSync(join(dir, 'monitoring')).sort()).toEqual([KUBE_BURNER_CONFIG_FILE, DASHBOARD_FILE].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN signals-dir without signals THEN nothing is written there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtwork-signals-dir-'));
    try {
      const result = renderToDir(input, join(dir, 'dist'), { signalsDir: join(dir, 'monitoring') });
      expect(result.signals).toBeUndefined();
      expect(existsSync(join(dir, 'monitoring'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when the signals directory is inside the output directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtwork-signals-dir-'));
    try {
      expect(() => renderToDir({ ...input, signals: true }, join(dir, 'dist'), { signalsDir: join(dir, 'dist', 'monitoring') }))
        .toThrow(/the signals directory ".*dist\/monitoring" and the output ".*dist" must be separate directories/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
