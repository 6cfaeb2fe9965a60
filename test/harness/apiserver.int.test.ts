import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeIntegration, testKubeConfig, UNPRIVILEGED_CONTEXT, useTestNamespace } from '.';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = 'test/fixtures/virtual-machine.yaml';

/** Every object of every YAML file under dist/, plus the fixture VM that stands in while dist/ is empty. */
function manifests(): Array<[string, k8s.KubernetesObject]> {
  const dist = path.join(ROOT, 'dist');
  const files = fs.existsSync(dist)
    ? fs.readdirSync(dist, { recursive: true, encoding: 'utf8' })
      // kustomization.yaml is read by kustomize / Argo CD / Flux, it is not a cluster object
      .filter((f) => /\.ya?ml$/.test(f) && path.basename(f) !== 'kustomization.yaml').sort()
      .map((f) => path.join('dist', f))
    : [];
  // client-node's typed serializer expects its own models for built-in kinds (it drops keys it does not map), so
  // every document goes through its loadYaml, as the cluster layer's loading does
  return [...files, FIXTURE].flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(ROOT, file), 'utf8'))
    .filter((doc) => doc.contents !== null)
    .map((doc) => k8s.loadYaml<k8s.KubernetesObject>(doc.toString()))
    .map((obj): [string, k8s.KubernetesObject] => [`${file}: ${obj.kind} ${obj.metadata?.name}`, obj]));
}

interface FixtureVm extends k8s.KubernetesObject {
  spec: { runStrategy: string; template: { spec: { domain: { cpu: Record<string, unknown> } } } };
}

/** A copy of the fixture's VirtualMachine, to spoil. */
function fixtureVm(): FixtureVm {
  const [, vm] = manifests().find(([, obj]) => obj.kind === 'VirtualMachine' && obj.metadata?.name === 'virtwork-disk-0') ?? [];
  return structuredClone(vm) as FixtureVm;
}

describeIntegration('the test API server', () => {
  const namespace = useTestNamespace('apiserver');

  /** Server-side apply as virtwork-apply does it, without persisting anything. */
  function dryRunApply(obj: k8s.KubernetesObject, context?: string): Promise<k8s.KubernetesObject> {
    const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig(context));
    const placed = obj.metadata?.namespace ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj;
    return api.patch(placed, undefined, 'All', 'virtwork', true, k8s.PatchStrategy.ServerSideApply);
  }

  /** The message of the Status the server answered with. */
  async function rejection(request: Promise<unknown>): Promise<{ code: number; message: string }> {
    const err = await request.then(() => undefined, (e: unknown) => e);
    if (!(err instanceof k8s.ApiException)) throw new Error(`expected the server to reject the request, got ${String(err)}`);
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as k8s.V1Status;
    return { code: err.code, message: body.message ?? '' };
  }

  it.each(manifests())('accepts %s (server-side apply, dryRun=All)', async (_, obj) => {
    // WHEN the object is applied as virtwork-apply would, in dry-run mode
    const applied = await dryRunApply(obj);

    // THEN the server accepts it unchanged in name and kind, and persists nothing
    expect(applied).toMatchObject({ kind: obj.kind, metadata: { name: obj.metadata?.name } });
    const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
    const { apiVersion, kind, metadata } = applied;
    const read = api.read({ apiVersion, kind, metadata: { name: metadata?.name ?? '', namespace: metadata?.namespace } });
    expect((await rejection(read)).code).toBe(404);
  });

  it('fails when a VirtualMachine misses a required field, with the schema message (422)', async () => {
    // GIVEN a VM template without its domain
    const vm = fixtureVm();
    delete (vm.spec.template.spec as Partial<FixtureVm['spec']['template']['spec']>).domain;

    // WHEN it is applied THEN the CRD schema rejects it as Invalid
    expect(await rejection(dryRunApply(vm))).toEqual({
      code: 422,
      message: expect.stringContaining('spec.template.spec.domain: Required value'),
    });
  });

  it('fails when a VirtualMachine field has the wrong type: server-side apply answers 500, a permanent error', async () => {
    // GIVEN a VM whose cpu.cores is a string
    const vm = fixtureVm();
    vm.spec.template.spec.domain.cpu.cores = 'four';

    // WHEN it is applied THEN building the typed apply patch fails, reported as an internal error
    expect(await rejection(dryRunApply(vm))).toEqual({
      code: 500,
      message: expect.stringContaining('.spec.template.spec.domain.cpu.cores: expected numeric (int or float), got string'),
    });
  });

  it('fails when a VirtualMachine has a field the schema does not declare: 500 as well', async () => {
    // GIVEN a VM with a misspelt field
    const vm = fixtureVm();
    vm.spec.template.spec.domain.cpu.coress = 2;

    // WHEN it is applied THEN server-side apply rejects the unknown field
    expect(await rejection(dryRunApply(vm))).toEqual({
      code: 500,
      message: expect.stringContaining('.spec.template.spec.domain.cpu.coress: field not declared in schema'),
    });
  });

  it('accepts runStrategy: Sometimes: the CRD schema has no enum for it (KubeVirt\'s webhook, absent here, rejects it)', async () => {
    // GIVEN a VM with a run strategy KubeVirt does not know
    const vm = fixtureVm();
    vm.spec.runStrategy = 'Sometimes';

    // WHEN it is applied THEN the schema alone lets it through
    expect(await dryRunApply(vm)).toMatchObject({ spec: { runStrategy: 'Sometimes' } });
  });

  it('fails when the user has no RBAC grant, with Forbidden', async () => {
    // WHEN the unprivileged user applies a VM THEN RBAC forbids it
    expect(await rejection(dryRunApply(fixtureVm(), UNPRIVILEGED_CONTEXT))).toEqual({
      code: 403,
      message: expect.stringContaining('User "virtwork-nobody" cannot patch resource "virtualmachines" in API group "kubevirt.io" '
        + `in the namespace "${namespace}"`),
    });
  });
});
