import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { renderToDir } from '../../lib/render/render';
import { testKubeConfig } from '../harness';
import { KUBECONFIG_ENV } from '../harness/cluster-env';

/** Path of the admin kubeconfig of the shared test API server. */
export function adminKubeconfig(): string {
  const file = process.env[KUBECONFIG_ENV];
  if (!file) throw new Error(`${KUBECONFIG_ENV} is not set: use the test API server inside describeIntegration()`);
  return file;
}

/** A namespace name nobody created yet: `<prefix>-<random>`. */
export function freshNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Synthesizes `vmCount` cpu VMs (and their Secrets, and the Namespace) into `<dir>/<name>` with the lib API. */
export function synthCpu(dir: string, name: string, namespace: string, vmCount: number, runId = 'default'): string {
  const out = path.join(dir, name);
  renderToDir({ namespace, runId, workloads: [{ name: 'cpu', vmCount }] }, out);
  return out;
}

/** Objects of a kind in a namespace carrying `selector` (a label selector string). */
export async function listNames(apiVersion: string, kind: string, namespace: string, selector?: string): Promise<string[]> {
  const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  const list = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
  return list.items.map((o) => o.metadata?.name ?? '').sort();
}
