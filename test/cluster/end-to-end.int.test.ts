import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Manifest, readManifests } from '../../lib/cluster/manifests';
import { describeIntegration, FAKE_NODE_NAME, startFakeKubevirt, testKubeConfig, useTestNamespace, FakeKubevirt } from '../harness';
import { KUBECONFIG_ENV } from '../harness/cluster-env';
import { runApplyCli, scratchDir } from './_run';

const DIST = path.resolve(__dirname, '..', '..', 'dist');

describeIntegration('virtwork-apply end to end: apply → wait → status → cleanup of dist/', () => {
  const namespace = useTestNamespace('e2e');
  let fake: FakeKubevirt;
  let dir: string;
  let globals: string[];
  const api = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());

  beforeAll(async () => {
    fake = await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 200 });
    dir = scratchDir('e2e');
    globals = ['--kubeconfig', process.env[KUBECONFIG_ENV]!, '--audit-db', path.join(dir, 'audit.sqlite'), '-n', namespace, '-o', 'json'];
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let manifests: Manifest[];
  let vms: string[];
  let runId: string;
  beforeAll(async () => {
    manifests = await readManifests(DIST);
    vms = manifests.filter((m) => m.object.kind === 'VirtualMachine').map((m) => m.object.metadata.name).sort();
    runId = manifests.find((m) => m.object.metadata.labels?.['virtwork/run-id'])!.object.metadata.labels!['virtwork/run-id'];
  });

  it('applies every object of dist/ and waits until the stand-in marks every VM Ready', async () => {
    // WHEN dist/ is applied into the test namespace with --wait
    const run = await runApplyCli([...globals, 'apply', DIST, '--wait', '--timeout', '60s']);

    // THEN it succeeds, uses the run id of the manifests and creates every namespaced object
    expect(run.stderr).toContain('skipped Namespace'); // the test namespace exists without virtwork's label: left alone
    expect(run.code).toBe(0);
    const started = run.events.find((e) => e.event === 'apply-started')!;
    expect(started).toMatchObject({ runId, runIdSource: 'manifests', namespaces: [namespace] });
    const finished = run.events.find((e) => e.event === 'apply-finished')!;
    expect(finished).toMatchObject({ created: manifests.length - 1, skipped: 1, changed: 0, unchanged: 0 });
    // AND every VM is reported ready
    const ready = run.events.filter((e) => e.event === 'vm' && e.outcome === 'ready').map((e) => e.name).sort();
    expect(ready).toEqual(vms);
    expect(run.events.find((e) => e.event === 'wait-finished')).toMatchObject({ ready: vms.length, total: vms.length });
  });

  it('converges on a second apply: every object unchanged', async () => {
    const run = await runApplyCli([...globals, 'apply', DIST]);
    expect(run.code).toBe(0);
    expect(run.events.find((e) => e.event === 'apply-finished')).toMatchObject({ created: 0, changed: 0, unchanged: manifests.length - 1 });
  });

  it('reports a changed object as changed', async () => {
    // GIVEN someone else's manager changed nothing, but the run id changes (re-labels objects and VM templates)
    const run = await runApplyCli([...globals, 'apply', DIST, '--run-id', 'e2e-relabel']);
    expect(run.code).toBe(0);
    expect(run.events.find((e) => e.event === 'apply-finished')).toMatchObject({ created: 0, changed: manifests.length - 1, unchanged: 0 });
    const vm = await api().read({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: vms[0], namespace } }) as any;
    expect(vm.metadata.labels['virtwork/run-id']).toBe('e2e-relabel');
    expect(vm.spec.template.metadata.labels['virtwork/run-id']).toBe('e2e-relabel');
    // back to the manifests' run id for the rest of the file
    expect((await runApplyCli([...globals, 'apply', DIST])).code).toBe(0);
  });

  it('shows every VM in status, ready on the stand-in node', async () => {
    const run = await runApplyCli([...globals, 'status', '--run-id', runId]);
    expect(run.code).toBe(0);
    const rows = run.events.filter((e) => e.event === 'vm');
    expect(rows.map((r) => r.vm).sort()).toEqual(vms);
    for (const row of rows) expect(row).toMatchObject({ phase: 'Running', ready: true, node: FAKE_NODE_NAME, runId });

    // AND the text output is a table with the same VMs
    const text = await runApplyCli(globals.filter((a) => a !== '-o' && a !== 'json').concat(['status']));
    for (const vm of vms) expect(text.stdout).toMatch(new RegExp(`\\b${vm}\\b.*Running.*yes.*${FAKE_NODE_NAME}`));
  });

  it('cleans up the run: nothing labelled for it is left; look-alikes and another run survive', async () => {
    // GIVEN an unlabelled look-alike Secret and a Secret of another virtwork run in the same namespace
    const lookalike = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${vms[0]}-cloudinit-copy`, namespace, labels: { 'app.kubernetes.io/name': 'virtwork-cpu' } } };
    const otherRun = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-run-secret', namespace, labels: { 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'other-run' } } };
    await api().create(lookalike);
    await api().create(otherRun);

    // WHEN the run is cleaned up, waiting until the objects are gone
    const run = await runApplyCli([...globals, 'cleanup', '--run-id', runId, '--yes', '--wait', '--timeout', '60s']);

    // THEN the preview counted the run's objects only, and every one was deleted
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const preview = run.events.find((e) => e.event === 'cleanup-preview')!;
    expect(preview).toMatchObject({ runIds: [runId], counts: { VirtualMachine: vms.length, Secret: vms.length } });
    expect(run.events.find((e) => e.event === 'cleanup-finished')).toMatchObject({ errors: 0, remaining: 0 });
    for (const kind of [['kubevirt.io/v1', 'VirtualMachine'], ['kubevirt.io/v1', 'VirtualMachineInstance'], ['v1', 'Secret'], ['v1', 'Service'], ['cdi.kubevirt.io/v1beta1', 'DataVolume']]) {
      const left = await api().list(kind[0], kind[1], namespace, undefined, undefined, undefined, undefined, `virtwork/run-id=${runId}`);
      expect([kind[1], left.items.map((o) => o.metadata?.name)]).toEqual([kind[1], []]);
    }
    // AND the look-alike and the other run's Secret are still there
    await expect(api().read(lookalike)).resolves.toMatchObject({ metadata: { name: lookalike.metadata.name } });
    await expect(api().read(otherRun)).resolves.toMatchObject({ metadata: { name: 'other-run-secret' } });
  });

  it('records the apply and the cleanup in the audit file (history)', async () => {
    const run = await runApplyCli([...globals, 'history', runId]);
    expect(run.code).toBe(0);
    const commands = run.events.map((e) => `${e.command}:${e.outcome}`);
    expect(commands).toEqual(expect.arrayContaining(['apply:success', 'cleanup:success']));
  });
});
