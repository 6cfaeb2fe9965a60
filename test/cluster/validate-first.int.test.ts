import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeIntegration, testKubeConfig } from '../harness';
import { adminKubeconfig, freshNamespace, listNames, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('virtwork-apply apply validates every object by server-side dry run before the first write', () => {
  let dir: string;
  const api = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  beforeAll(() => {
    dir = scratchDir('validate');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const globals = (namespace: string) => ['--kubeconfig', adminKubeconfig(), '--no-audit', '-n', namespace, '-o', 'json'];
  const namespaceExists = (name: string) => api().read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).then(() => true, () => false);

  /** 2 cpu VMs whose second VM (wave 3, after the Namespace and the Secrets) the CRD schema refuses. */
  function withInvalidVm(name: string, namespace: string): string {
    const out = synthCpu(dir, name, namespace, 2);
    const file = path.join(out, 'cpu.yaml');
    const docs = fs.readFileSync(file, 'utf8').split(/^---\n/m);
    const i = docs.findIndex((d) => d.includes('kind: VirtualMachine') && d.includes('name: virtwork-cpu-1\n'));
    docs[i] = docs[i].replace(/cores: \d+/, 'cores: two');
    fs.writeFileSync(file, docs.join('---\n'));
    return out;
  }

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

  it('with --no-validate-first, the earlier waves are persisted before the refusal (what validation prevents)', async () => {
    const namespace = freshNamespace('novalidate');
    const run = await runApplyCli([...globals(namespace), 'apply', withInvalidVm('unvalidated', namespace), '--no-validate-first']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('nothing was applied');
    expect(await namespaceExists(namespace)).toBe(true);
    expect(await listNames('v1', 'Secret', namespace)).toEqual(['virtwork-cpu-0-cloudinit', 'virtwork-cpu-1-cloudinit']);
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
