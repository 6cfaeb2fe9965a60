import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { KUBECONFIG_ENV } from './cluster-env';
import { ADMIN_CONTEXT } from './control-plane';

/** A KubeConfig for the shared test API server, in the `admin` (default) or `unprivileged` context. */
export function testKubeConfig(context: string = ADMIN_CONTEXT): k8s.KubeConfig {
  const file = process.env[KUBECONFIG_ENV];
  if (!file) throw new Error(`${KUBECONFIG_ENV} is not set: use the test API server inside describeIntegration()`);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  kc.setCurrentContext(context);
  return kc;
}

/**
 * A namespace of the calling test file's own, `<prefix>-<random>`, created in `beforeAll`. It is not deleted
 * afterwards: no namespace controller runs to empty it, and the whole etcd is thrown away at the end of the run.
 */
export function useTestNamespace(prefix: string): string {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    await testKubeConfig().makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name } } });
  });
  return name;
}

/**
 * Calls `probe` every 50 ms until it returns a value other than `undefined`, and returns that value; fails after
 * `timeoutMs` naming `what` was awaited and the last error `probe` threw, if any.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const why = lastError === undefined ? '' : ` (last error: ${(lastError as Error).message})`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}
