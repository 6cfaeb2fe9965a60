import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The CRDs installed for the tests, relative to the project root (provenance: ../shared/crds/SOURCES.md): those of
 * every project virtwork emits objects for, so the real API server validates every kind virtwork emits.
 */
export const CRD_DIRS = [
  '../shared/crds/kubevirt-v1.9.0',
  '../shared/crds/cdi-v1.66.0',
  '../shared/crds/external-secrets-v2.9.0',
  '../shared/crds/sealed-secrets-v0.36.6',
  '../shared/crds/prometheus-operator-v0.82.2',
  '../shared/crds/argo-cd-v3.5.1',
  '../shared/crds/source-controller-v1.9.1',
  '../shared/crds/kustomize-controller-v1.9.4',
];

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const ESTABLISHED_TIMEOUT_MS = 30_000;

/**
 * Creates every CRD in `CRD_DIRS` and resolves once each is Established and each of its served versions is in the
 * API discovery, so the first request of a test can use them. Returns the CRD names. The files are parsed with
 * client-node's `loadYaml`: its typed serializer drops keys such as `x-kubernetes-int-or-string` from plain objects.
 */
export async function installCrds(kc: k8s.KubeConfig): Promise<string[]> {
  const crds = CRD_DIRS.flatMap((dir) => {
    const abs = path.resolve(PROJECT_ROOT, dir);
    return fs.readdirSync(abs).filter((f) => f.endsWith('.yaml')).sort()
      .map((f) => k8s.loadYaml<k8s.V1CustomResourceDefinition>(fs.readFileSync(path.join(abs, f), 'utf8')));
  });
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  await Promise.all(crds.map((body) => api.createCustomResourceDefinition({ body }).catch((err: Error) => {
    throw new Error(`creating CRD ${body.metadata?.name}: ${err.message}`, { cause: err });
  })));
  const names = crds.map((crd) => crd.metadata?.name ?? '');
  await waitFor('CRDs to be Established', async () => {
    const established = (await api.listCustomResourceDefinition()).items.filter((crd) =>
      crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
    const missing = names.filter((name) => !established.some((crd) => crd.metadata?.name === name));
    return missing.length === 0 ? undefined : `not Established: ${missing.join(', ')}`;
  });
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const kinds = crds.flatMap((crd) => crd.spec.versions.filter((v) => v.served)
    .map((v) => ({ apiVersion: `${crd.spec.group}/${v.name}`, kind: crd.spec.names.kind })));
  await waitFor('CRDs to be discoverable', async () => {
    // list (limit 1) goes through client-node's discovery lookup of the kind, which is what tests will do first
    const found = await Promise.all(kinds.map((k) => objects
      .list(k.apiVersion, k.kind, undefined, undefined, undefined, undefined, undefined, undefined, 1)
      .then(() => true, () => false)));
    const missing = kinds.filter((_, i) => !found[i]).map((k) => `${k.apiVersion} ${k.kind}`);
    return missing.length === 0 ? undefined : `not in discovery: ${missing.join(', ')}`;
  });
  return names;
}

/** Polls `check` (undefined when done, else what is still missing) every 100 ms for up to 30 s. */
async function waitFor(what: string, check: () => Promise<string | undefined>): Promise<void> {
  const deadline = Date.now() + ESTABLISHED_TIMEOUT_MS;
  for (;;) {
    const missing = await check();
    if (missing === undefined) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ESTABLISHED_TIMEOUT_MS / 1000} s waiting for ${what}: ${missing}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
