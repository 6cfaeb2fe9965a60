import { isCi, KUBECONFIG_ENV, SKIP_REASON_ENV } from './cluster-env';

/**
 * `describe` for tests that need the shared API server. When global setup could not provide one, the block is
 * skipped with the reason in its name (for example "kube-apiserver v1.37.2 not cached and `go` not found; run
 * `bash test/harness/build.sh`"); in CI it throws instead, so a missing server fails the run.
 */
export function describeIntegration(name: string, fn: () => void): void {
  const reason = skipReason();
  if (reason === undefined) return describe(name, fn);
  if (isCi()) throw new Error(`${name}: ${reason}`);
  // Skipped on purpose, with the reason (what is missing) in the block name; never in CI (see above).
  describe.skip(`${name} (${reason})`, fn);
}

function skipReason(): string | undefined {
  if (process.env[KUBECONFIG_ENV]) return undefined;
  return process.env[SKIP_REASON_ENV] ?? 'integration tests skipped: no test API server '
    + '(test/harness/global-setup.ts did not start one; run jest with the project jest.config.js)';
}
