import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import { describeIntegration, testKubeConfig } from '../harness';
import { adminKubeconfig, freshNamespace, listNames, namespaceExists, synthCpu, synthCpuEdited, synthCpuWithChangedVm, undeclaredField } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('virtwork-apply apply validates every object by server-side dry run before the first write', () => {
  let dir: string;
  const api = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  beforeAll(() => {
    dir = scratchDir('validate');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const globals = (namespace: string) => ['--kubeconfig', adminKubeconfig(), '--no-audit', '-n', namespace, '-o', 'json'];

  /** 2 cpu VMs whose second VM (wave 3, after the Namespace and the Secrets) the CRD schema refuses. */
  const withInvalidVm = (name: string, namespace: string, change: (vm: Record<string, any>) => void = (vm) => {
    vm.spec.template.spec.domain.cpu.cores = 'two';
  }): string => synthCpuWithChangedVm(dir, name, namespace, change);
  const createNamespace = (name: string) => api().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  it('leaves the cluster untouched when the server refuses an object of a later wave: no Namespace, no Secret', async () => {
    // GIVEN manifests for a new namespace whose second VM is schema-invalid
    const namespace = freshNamespace('validate');
    const src = withInvalidVm('refused', namespace);
    // WHEN applied (validation is on by default)
    const run = await runApplyCli([...globals(namespace), 'apply', src]);
    // THEN one line names the refused object and says nothing was applied
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(new RegExp(`^virtwork-apply: cannot apply VirtualMachine ${namespace}/virtwork-cpu-1 \\(.*cpu\\.yaml document \\d+\\): `
      + '.*cpu\\.cores.*(must be of type integer|expected numeric).*\\(server-side dry run before any write: nothing was applied\\)\n$'));
    // AND neither the Namespace (wave 0) nor any Secret (wave 1) was created
    expect(await namespaceExists(namespace)).toBe(false);
    expect(await listNames('v1', 'Secret', 'default', `virtwork/run-id=default`)).toEqual([]);
  });

  it('refuses, before any write, a field the schema does not declare in a new namespace (validated in the stand-in namespace with strict field validation)', async () => {
    const namespace = freshNamespace('unknownnew');
    const run = await runApplyCli([...globals(namespace), 'apply', withInvalidVm('unknownnew', namespace, undeclaredField)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^virtwork-apply: cannot apply VirtualMachine ${namespace}/virtwork-cpu-1 \\(.*\\): `
      + '.*unknown field "spec\\.template\\.spec\\.domain\\.bogusField".*\\(server-side dry run before any write: nothing was applied\\)\n$'));
    expect(await namespaceExists(namespace)).toBe(false);
  });

  it.each([
    ['a schema-invalid value', undefined],
    ['a field the schema does not declare', undeclaredField],
  ])('refuses, before any write, %s in a namespace that exists (objects not there yet: dry-run created in place)', async (_what, change) => {
    // GIVEN a namespace created by someone else, holding none of the objects
    const namespace = freshNamespace('existing');
    await createNamespace(namespace);
    // WHEN manifests whose second VM is refused are applied
    const run = await runApplyCli([...globals(namespace), 'apply', withInvalidVm(`existing-${namespace}`, namespace, change)]);
    // THEN the refusal names the VM and nothing was written to the namespace
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^virtwork-apply: cannot apply VirtualMachine ${namespace}/virtwork-cpu-1 \\(.*nothing was applied\\)\n$`));
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual([]);
  });

  it('catches a field-manager conflict on an object virtwork did not create (dry-run create says it exists: server-side apply dry run)', async () => {
    // GIVEN a namespace holding a VM of the same name, without virtwork's labels, whose runStrategy another manager owns
    const namespace = freshNamespace('conflict');
    await createNamespace(namespace);
    await api().patch({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'virtwork-cpu-1', namespace },
      spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } } } as k8s.KubernetesObject,
    undefined, undefined, 'someone-else', undefined, k8s.PatchStrategy.ServerSideApply);
    // WHEN virtwork's manifests (runStrategy Always) are applied
    const src = synthCpu(dir, `conflict-${namespace}`, namespace, 2);
    const run = await runApplyCli([...globals(namespace), 'apply', src]);
    // THEN the conflict is reported before any write: no Secret, the other VM not created, the VM left as it was
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^virtwork-apply: cannot apply VirtualMachine ${namespace}/virtwork-cpu-1 \\(.*conflict.*someone-else.*runStrategy.*nothing was applied\\)\n$`));
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-1']);
    // AND with --force-conflicts virtwork takes the field over
    const forced = await runApplyCli([...globals(namespace), 'apply', src, '--force-conflicts']);
    expect(forced.stderr).toBe(`virtwork-apply: skipped Namespace ${namespace}: namespace exists and was not created by virtwork: left as is\n`);
    expect(forced.code).toBe(0);
    const vm = await api().read({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'virtwork-cpu-1', namespace } }) as k8s.KubernetesObject & { spec: { runStrategy: string } };
    expect(vm.spec.runStrategy).toBe('Always');
  });

  it('with --no-validate-first, the earlier waves are persisted before the refusal (what validation prevents)', async () => {
    const namespace = freshNamespace('novalidate');
    const run = await runApplyCli([...globals(namespace), 'apply', withInvalidVm('unvalidated', namespace), '--no-validate-first']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('nothing was applied');
    expect(await namespaceExists(namespace)).toBe(true);
    expect(await listNames('v1', 'Secret', namespace)).toEqual(['virtwork-cpu-0-cloudinit', 'virtwork-cpu-1-cloudinit']);
  });

  it('sends each object as written: a field a built-in kind does not declare reaches the server, which refuses it (also with --no-validate-first)', async () => {
    // GIVEN 1 VM whose Secret has a field the Secret schema does not declare (client-node's Secret model drops it)
    const namespace = freshNamespace('secretfield');
    const out = synthCpuEdited(dir, 'secretfield', namespace, 1, (docs) => {
      docs.find((d) => d.kind === 'Secret')!.bogusField = 1;
    });
    await createNamespace(namespace);
    // WHEN applied without the validation
    const run = await runApplyCli([...globals(namespace), 'apply', '--no-validate-first', out]);
    // THEN the server refused it, naming the field, and it was not written
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot apply Secret .*virtwork-cpu-0-cloudinit.*bogusField/);
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
  });

  it('reports the validation and its cost, then applies; a valid apply is not slowed by a refusal elsewhere', async () => {
    const namespace = freshNamespace('validok');
    const run = await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'valid', namespace, 3)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const validated = run.events.find((e) => e.event === 'validated')!;
    expect(validated).toMatchObject({ objects: 7, seconds: expect.any(Number) });
    // the validation comes before the first object is written
    expect(run.events.findIndex((e) => e.event === 'validated')).toBeLessThan(run.events.findIndex((e) => e.event === 'object'));
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1', 'virtwork-cpu-2']);
  });
});
