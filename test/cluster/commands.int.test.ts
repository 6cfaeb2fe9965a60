import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executeCleanup, planCleanup } from '../../lib/cluster/cleanup';
import { connect } from '../../lib/cluster/kubeconfig';
import { describeIntegration, FAKE_FAILURE_REASON, FakeKubevirt, startFakeKubevirt, testKubeConfig } from '../harness';
import { adminKubeconfig, createUnlabelled, freshNamespace, listNames, synthCpu, synthCpuWithChangedVm } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('virtwork-apply commands: dry run, prune, wait failures, cleanup safety', () => {
  let dir: string;
  const fakes: FakeKubevirt[] = [];
  const api = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  beforeAll(() => {
    dir = scratchDir('commands');
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const globals = (namespace: string) => ['--kubeconfig', adminKubeconfig(), '--audit-db', path.join(dir, 'audit.sqlite'), '-n', namespace, '-o', 'json'];

  it('--dry-run validates every object on the server, even in a namespace that does not exist yet, and persists nothing', async () => {
    const namespace = freshNamespace('dry');
    const run = await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'dry', namespace, 2), '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.events.find((e) => e.event === 'apply-started')).toMatchObject({ dryRun: 'server' });
    expect(run.events.find((e) => e.event === 'apply-finished')).toMatchObject({ created: 5 });
    // the namespace is new: its objects were validated in the stand-in namespace, so nothing is left unvalidated
    expect(run.stderr).toBe('');
    await expect(api().read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })).rejects.toMatchObject({ code: 404 });
    // AND in an existing namespace, every object is validated: a bad one is refused
    await api().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const bad = synthCpu(dir, 'dry-bad', namespace, 1);
    fs.writeFileSync(path.join(bad, 'cpu.yaml'), fs.readFileSync(path.join(bad, 'cpu.yaml'), 'utf8').replace(/cores: \d+/, 'cores: two'));
    const refused = await runApplyCli([...globals(namespace), 'apply', bad, '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^virtwork-apply: cannot apply VirtualMachine ${namespace}/virtwork-cpu-0 \\(.*cpu.yaml document \\d\\): .*\.cpu\.cores.*(must be of type integer|expected numeric).* \\(server-side dry run before any write: nothing was applied\\)\n$`));
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
  });

  it('--dry-run reports what the apply would do to objects already there: changed when a value differs, unchanged when none does', async () => {
    // GIVEN 2 VMs applied, then the manifest of the second VM given one more core
    const namespace = freshNamespace('drychange');
    expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'drychange', namespace, 2)])).code).toBe(0);
    let cores = 0;
    const changed = synthCpuWithChangedVm(dir, 'drychange-2', namespace, (vm) => {
      cores = vm.spec.template.spec.domain.cpu.cores += 1;
    });
    // WHEN dry-run applied
    const run = await runApplyCli([...globals(namespace), 'apply', changed, '--dry-run']);
    // THEN the changed VM is reported changed and every other object unchanged, and nothing was written
    expect(run.code).toBe(0);
    const actions = Object.fromEntries(run.events.filter((e) => e.event === 'object').map((e) => [`${e.kind}/${e.name}`, e.action]));
    expect(actions).toEqual({
      [`Namespace/${namespace}`]: 'unchanged', 'Secret/virtwork-cpu-0-cloudinit': 'unchanged', 'Secret/virtwork-cpu-1-cloudinit': 'unchanged',
      'VirtualMachine/virtwork-cpu-0': 'unchanged', 'VirtualMachine/virtwork-cpu-1': 'changed',
    });
    const vm = await api().read({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'virtwork-cpu-1', namespace } }) as Record<string, any>;
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(cores - 1);
  });

  it('reports an object that was there without virtwork\'s labels as changed, not created, in a dry run and in the apply', async () => {
    // GIVEN the Secret and the VM of 1 VM made beforehand by someone else, without virtwork's labels
    const namespace = freshNamespace('unlabelled');
    const src = synthCpu(dir, 'unlabelled', namespace, 1);
    await api().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await createUnlabelled(src);
    const actions = (run: { events: Array<Record<string, any>> }) => run.events.filter((e) => e.event === 'object' && e.kind !== 'Namespace').map((e) => `${e.kind} ${e.action}`).sort();
    // WHEN dry-run applied, applied, and applied again
    const dry = await runApplyCli([...globals(namespace), 'apply', src, '--dry-run']);
    const applied = await runApplyCli([...globals(namespace), 'apply', src]);
    const again = await runApplyCli([...globals(namespace), 'apply', src]);
    // THEN both first runs say changed (the labels are added), the last unchanged
    expect([dry.code, applied.code, again.code]).toEqual([0, 0, 0]);
    expect(actions(dry)).toEqual(['Secret changed', 'VirtualMachine changed']);
    expect(actions(applied)).toEqual(['Secret changed', 'VirtualMachine changed']);
    expect(actions(again)).toEqual(['Secret unchanged', 'VirtualMachine unchanged']);
  });

  it('stamps a fresh run id when the manifests carry none, and --prune deletes what left the directory (same run only)', async () => {
    // GIVEN 3 VMs whose manifests carry no run id
    const namespace = freshNamespace('prune');
    const src = synthCpu(dir, 'prune', namespace, 3);
    for (const file of fs.readdirSync(src)) {
      const text = fs.readFileSync(path.join(src, file), 'utf8');
      fs.writeFileSync(path.join(src, file), text.replace(/^\s*virtwork\/run-id: .*\n/gm, ''));
    }
    // WHEN applied
    const first = await runApplyCli([...globals(namespace), 'apply', src]);
    // THEN a fresh run id is used and printed
    expect(first.code).toBe(0);
    const { runId, runIdSource } = first.events.find((e) => e.event === 'apply-started')!;
    expect(runIdSource).toBe('fresh');
    expect(runId).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace, `virtwork/run-id=${runId}`)).toHaveLength(3);

    // GIVEN a Secret of another run, and the third VM removed from the directory
    await api().create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-run', namespace, labels: { 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'other' } } });
    const cpu = path.join(src, 'cpu.yaml');
    const docs = fs.readFileSync(cpu, 'utf8').split(/^---\n/m).filter((d) => !d.includes('virtwork-cpu-2'));
    fs.writeFileSync(cpu, docs.join('---\n'));

    // WHEN applied again with the same run id and --prune
    const second = await runApplyCli([...globals(namespace), 'apply', src, '--run-id', runId, '--prune']);

    // THEN the VM and Secret that left are pruned, the others unchanged, the other run untouched
    expect(second.code).toBe(0);
    const pruned = second.events.filter((e) => e.event === 'object' && e.action === 'pruned').map((e) => `${e.kind}/${e.name}`).sort();
    expect(pruned).toEqual(['Secret/virtwork-cpu-2-cloudinit', 'VirtualMachine/virtwork-cpu-2']);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    expect(await listNames('v1', 'Secret', namespace)).toContain('other-run');
  });

  it('reports each VM that failed or timed out with its phase and reason, and exits 3', async () => {
    // GIVEN 3 VMs: one fails, one never gets ready
    const namespace = freshNamespace('notready');
    fakes.push(await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 100, failVMs: ['virtwork-cpu-1'], neverReady: ['virtwork-cpu-2'] }));
    // WHEN applied with --wait and a short timeout
    const run = await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'notready', namespace, 3), '--wait', '--timeout', '3s']);
    // THEN exit 3, each VM with its outcome, phase and reason
    expect(run.code).toBe(3);
    const vms = Object.fromEntries(run.events.filter((e) => e.event === 'vm').map((e) => [e.name, e]));
    expect(vms['virtwork-cpu-0']).toMatchObject({ outcome: 'ready', phase: 'Running' });
    expect(vms['virtwork-cpu-1']).toMatchObject({ outcome: 'failed', phase: 'Failed' });
    expect(vms['virtwork-cpu-1'].reason).toContain(FAKE_FAILURE_REASON);
    expect(vms['virtwork-cpu-2']).toMatchObject({ outcome: 'timeout', phase: 'Scheduling', reason: 'GuestNotRunning' });
    expect(run.stderr).toContain('VM ' + namespace + '/virtwork-cpu-2 not ready in time: phase Scheduling, GuestNotRunning');
    // AND the audit has the apply as failed with per-VM readiness
    const history = await runApplyCli([...globals(namespace), 'history', 'default']);
    const apply = history.events.filter((e) => e.command === 'apply' && e.namespace === namespace)[0];
    expect(apply).toMatchObject({ outcome: 'failed' });
    expect(apply.vms.map((v: any) => [v.name, v.ready])).toEqual([['virtwork-cpu-0', true], ['virtwork-cpu-1', false], ['virtwork-cpu-2', false]]);
  });

  it('--for guest-agent waits for AgentConnected too', async () => {
    const namespace = freshNamespace('agent');
    fakes.push(await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 100 }));
    expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'agent', namespace, 1), '--wait'])).code).toBe(0);
    const run = await runApplyCli([...globals(namespace), 'wait', '--for', 'guest-agent', '--timeout', '2s']);
    expect(run.code).toBe(3);
    expect(run.events.find((e) => e.event === 'vm')).toMatchObject({ outcome: 'timeout', reason: 'guest agent not connected' });
  });

  describe('cleanup', () => {
    it('refuses to delete without --yes when standard input is not a terminal, and deletes nothing', async () => {
      const namespace = freshNamespace('notty');
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'notty', namespace, 1)])).code).toBe(0);
      const run = await runApplyCli([...globals(namespace), 'cleanup']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('virtwork-apply: refusing to delete 2 objects without confirmation: standard input is not a terminal; pass --yes to confirm\n');
      expect(await listNames('v1', 'Secret', namespace)).toEqual(['virtwork-cpu-0-cloudinit']);
    });

    it('deletes nothing when the answer is not yes, and deletes after "y"', async () => {
      const namespace = freshNamespace('ask');
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'ask', namespace, 1)])).code).toBe(0);
      const declined = await runApplyCli([...globals(namespace), 'cleanup'], { answer: 'no' });
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain('Delete these 2 objects? [y/N] ');
      expect(declined.stderr).toContain('cleanup not confirmed: nothing deleted');
      expect(await listNames('v1', 'Secret', namespace)).toHaveLength(1);
      const accepted = await runApplyCli([...globals(namespace), 'cleanup'], { answer: 'y' });
      expect(accepted.code).toBe(0);
      expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
    });

    it('--dry-run previews counts per kind and run ids, and deletes nothing', async () => {
      const namespace = freshNamespace('preview');
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'preview', namespace, 2)])).code).toBe(0);
      const run = await runApplyCli([...globals(namespace), 'cleanup', '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.events.find((e) => e.event === 'cleanup-preview')).toMatchObject({
        namespace, total: 4, runIds: ['default'], counts: { VirtualMachine: 2, Service: 0, Secret: 2, DataVolume: 0, PersistentVolumeClaim: 0 },
      });
      expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toHaveLength(2);
    });

    it('--delete-namespace deletes a namespace virtwork created once nothing else is left in it', async () => {
      const namespace = freshNamespace('ownns');
      fakes.push(await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 50 }));
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'ownns', namespace, 2), '--wait'])).code).toBe(0);
      const run = await runApplyCli([...globals(namespace), 'cleanup', '--yes', '--wait', '--delete-namespace']);
      expect(run.code).toBe(0);
      expect(run.events.find((e) => e.event === 'cleanup-finished')).toMatchObject({ namespaceResult: 'deleted', errors: 0 });
      const ns = await api().read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch((e: k8s.ApiException<unknown>) => e.code);
      // a bare API server has no namespace controller to finish the deletion: the namespace is Terminating or gone
      expect(ns === 404 || (ns as k8s.V1Namespace).metadata?.deletionTimestamp !== undefined).toBe(true);
    });

    it('--delete-namespace keeps a namespace holding another run or an unlabelled object, or one virtwork did not create', async () => {
      // GIVEN a virtwork namespace holding run "default" and a Secret of run "other"
      const namespace = freshNamespace('sharedns');
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'sharedns', namespace, 1)])).code).toBe(0);
      await api().create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace, labels: { 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'other' } } });
      // WHEN run "default" is cleaned up with --delete-namespace
      const run = await runApplyCli([...globals(namespace), 'cleanup', '--run-id', 'default', '--yes', '--delete-namespace']);
      // THEN the run is gone but the namespace is kept, saying why
      expect(run.code).toBe(0);
      const finished = run.events.find((e) => e.event === 'cleanup-finished')!;
      expect(finished).toMatchObject({ namespaceResult: 'kept', deleted: { VirtualMachine: 1, Secret: 1 } });
      expect(finished.namespaceReason).toBe(`namespace ${namespace} still holds objects this cleanup did not delete: Secret other`);
      await expect(api().read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })).resolves.toMatchObject({ metadata: { name: namespace } });

      // GIVEN a namespace virtwork did not create (no managed-by label), holding only virtwork objects
      const foreign = freshNamespace('foreign');
      await api().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: foreign } });
      expect((await runApplyCli([...globals(foreign), 'apply', synthCpu(dir, 'foreign', foreign, 1)])).code).toBe(0);
      const ns = await api().read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: foreign } });
      expect(ns.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined(); // apply left it alone
      // WHEN cleaned up with --delete-namespace
      const again = await runApplyCli([...globals(foreign), 'cleanup', '--yes', '--delete-namespace']);
      // THEN the objects go, the namespace stays
      expect(again.code).toBe(0);
      expect(again.events.find((e) => e.event === 'cleanup-finished')).toMatchObject({ namespaceResult: 'kept' });
      expect(again.stderr).toContain(`namespace kept: namespace ${foreign} was not created by virtwork`);
    });

    it('never deletes an object that lost its label after the preview (checked again before each delete)', async () => {
      // This is the race the client-side re-check and the uid precondition guard against: exercised through the lib.
      const namespace = freshNamespace('race');
      expect((await runApplyCli([...globals(namespace), 'apply', synthCpu(dir, 'race', namespace, 1)])).code).toBe(0);
      const cluster = connect({ kubeconfig: adminKubeconfig() });
      const plan = await planCleanup(cluster, { namespace });
      // GIVEN the Secret is deleted and re-created by someone else after the preview (same name, new uid)
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'virtwork-cpu-0-cloudinit', namespace } };
      await api().delete(secret);
      await api().create({ ...secret, metadata: { ...secret.metadata, labels: { 'app.kubernetes.io/managed-by': 'virtwork' } } });
      // AND the plan is tampered with to hold an object of another namespace
      const tampered = { ...plan, kinds: plan.kinds.map((k) => k.ref.kind === 'VirtualMachine'
        ? { ...k, objects: [...k.objects, { ...k.objects[0], metadata: { ...k.objects[0].metadata, namespace: 'default' } }] } : k) };
      // WHEN executed
      const result = await executeCleanup(cluster, tampered);
      // THEN the re-created Secret survives (uid precondition) and the foreign object is refused; the VM is deleted
      expect(result.deleted).toEqual({ VirtualMachine: 1 });
      expect(result.errors.map((e) => e.message)).toEqual([
        `VirtualMachine default/virtwork-cpu-0: refused to delete: it is in namespace "default", not "${namespace}"`,
        expect.stringContaining('replaced since the preview (uid changed), not deleted'),
      ]);
      expect(await listNames('v1', 'Secret', namespace)).toEqual(['virtwork-cpu-0-cloudinit']);
    });
  });
});
