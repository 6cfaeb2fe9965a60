import { LABEL_RUN_ID } from '../core/labels';
import { RunSignals } from './run-signals';

/** File name of the kube-burner `measure` configuration (beside the dashboard, never in the manifests). */
export const KUBE_BURNER_CONFIG_FILE = 'kube-burner-measure.yml';

/**
 * A kube-burner configuration for `kube-burner measure` that measures a virtwork run without recreating it:
 * `vmiLatency` (VM / VMI startup phases) and `podLatency` (the virt-launcher pods, which carry the VMI's labels),
 * selected by the run's label, results written by the local indexer. The command line is in its first comment.
 * @see https://kube-burner.github.io/kube-burner/latest/measurements/
 */
export function kubeBurnerMeasureConfig(run: RunSignals): { readonly config: Record<string, unknown>; readonly command: string } {
  const selector = `${LABEL_RUN_ID}=${run.runId}`;
  return {
    command: `kube-burner measure -c ${KUBE_BURNER_CONFIG_FILE} --namespaces ${run.namespace} --selector ${selector} --uuid virtwork-${run.runId}`,
    config: {
      metricsEndpoints: [{ indexer: { type: 'local', metricsDirectory: `virtwork-${run.runId}-measurements` } }],
      global: { measurements: [{ name: 'vmiLatency' }, { name: 'podLatency' }] },
    },
  };
}
