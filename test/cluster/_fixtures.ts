import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { readManifests } from '../../lib/cluster/manifests';
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

/** {@link synthCpu}, then `edit` made to the documents of cpu.yaml (parsed, edited and written back). */
export function synthCpuEdited(dir: string, name: string, namespace: string, vmCount: number, edit: (docs: Array<Record<string, any>>) => void): string {
  const out = synthCpu(dir, name, namespace, vmCount);
  const file = path.join(out, 'cpu.yaml');
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);
  edit(docs);
  fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return out;
}

/**
 * {@link synthCpu} of 2 VMs, then `change` made to the second one, `virtwork-cpu-1` (the last wave, after the
 * Namespace and the Secrets).
 */
export function synthCpuWithChangedVm(dir: string, name: string, namespace: string, change: (vm: Record<string, any>) => void): string {
  return synthCpuEdited(dir, name, namespace, 2, (docs) => change(docs.find((d) => d.kind === 'VirtualMachine' && d.metadata.name === 'virtwork-cpu-1')!));
}

/** Creates every object of the manifests in `src` but the Namespace as the admin, without virtwork's labels. */
export async function createUnlabelled(src: string): Promise<void> {
  const admin = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  for (const { object } of (await readManifests(src)).filter((m) => m.object.kind !== 'Namespace')) {
    const { labels: _labels, ...metadata } = object.metadata;
    await admin.create({ ...object, metadata } as k8s.KubernetesObject);
  }
}

/** Whether the Namespace `name` exists. */
export function namespaceExists(name: string): Promise<boolean> {
  return k8s.KubernetesObjectApi.makeApiClient(testKubeConfig()).read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).then(() => true, () => false);
}

/** A field the VirtualMachine schema does not declare: a default create accepts it with a warning, server-side apply refuses it. */
export function undeclaredField(vm: Record<string, any>): void {
  vm.spec.template.spec.domain.bogusField = 1;
}

/** Objects of a kind in a namespace carrying `selector` (a label selector string). */
export async function listNames(apiVersion: string, kind: string, namespace: string, selector?: string): Promise<string[]> {
  const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  const list = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
  return list.items.map((o) => o.metadata?.name ?? '').sort();
}
