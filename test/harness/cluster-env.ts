/**
 * How global-setup.ts tells the test files about the shared API server (test workers inherit its environment).
 * Exactly one of the two is set once global setup has run with an integration test selected.
 */

/** Path of the kubeconfig of the shared API server (contexts `admin`, current, and `unprivileged`). */
export const KUBECONFIG_ENV = 'VIRTWORK_TEST_KUBECONFIG';
/** Why the integration tests are skipped, e.g. the binaries are not built. */
export const SKIP_REASON_ENV = 'VIRTWORK_TEST_SKIP_REASON';

/** True in CI, where integration tests must run: a missing API server fails the run instead of skipping. */
export function isCi(): boolean {
  const ci = process.env.CI ?? '';
  return ci !== '' && ci !== 'false' && ci !== '0';
}
