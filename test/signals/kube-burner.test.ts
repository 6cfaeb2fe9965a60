import { parse } from 'yaml';
import { z } from 'zod';
import { KUBE_BURNER_CONFIG_FILE } from '../../lib/monitoring/kube-burner';
import { runSignals } from '../../lib/monitoring/run-signals';
import { signalsFiles } from '../../lib/monitoring/signals-chart';
import { workloadsOf } from './_support';

// kube-burner's configuration as its documentation describes it for `kube-burner measure` (docs/reference/configuration.md,
// docs/measurements: `global.measurements[].name`, `metricsEndpoints[].indexer` with type local and metricsDirectory).
// A structural stand-in: kube-burner itself does not run here.
const KUBE_BURNER_MEASURE_CONFIG = z.strictObject({
  metricsEndpoints: z.array(z.strictObject({
    indexer: z.strictObject({ type: z.enum(['local', 'elastic', 'opensearch']), metricsDirectory: z.string().min(1).optional() }),
  })).min(1),
  global: z.strictObject({
    measurements: z.array(z.strictObject({ name: z.enum(['podLatency', 'vmiLatency', 'nodeLatency', 'serviceLatency', 'pvcLatency']) })).min(1),
  }),
});

describe('kube-burner measure configuration', () => {
  const run = runSignals(workloadsOf([{ name: 'cpu' }], 'perf-42', 'load'));
  const text = signalsFiles(run).get(KUBE_BURNER_CONFIG_FILE)!;

  it('GIVEN a run THEN the generated file has the shape kube-burner documents, measuring vmiLatency and podLatency', () => {
    const config = KUBE_BURNER_MEASURE_CONFIG.parse(parse(text));
    expect(config.global.measurements.map((m) => m.name)).toEqual(['vmiLatency', 'podLatency']);
    expect(config.metricsEndpoints[0].indexer).toEqual({ type: 'local', metricsDirectory: 'virtwork-perf-42-measurements' });
  });

  it('GIVEN a run THEN its first comment is the command selecting the run by its label in its namespace', () => {
    expect(text.split('\n')[1]).toBe(`#   kube-burner measure -c ${KUBE_BURNER_CONFIG_FILE} --namespaces load --selector virtwork/run-id=perf-42 --uuid virtwork-perf-42`);
  });
});
