import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import { describeIntegration, eventually, FakeKubevirt, startFakeKubevirt, testKubeConfig, useTestNamespace } from '../harness';
import { KUBECONFIG_ENV } from '../harness/cluster-env';
import { synthCpu } from '../cluster/_fixtures';
import { runApplyCli, scratchDir } from '../cluster/_run';

type Vmim = k8s.KubernetesObject & { spec: { vmiName: string }; status?: { phase?: string } };

describeIntegration('virtwork-apply migrate on the test API server', () => {
  const namespace = useTestNamespace('migrate');
  let fake: FakeKubevirt;
  let dir: string;
  let globals: string[];
  const objects = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  const custom = () => testKubeConfig().makeApiClient(k8s.CustomObjectsApi);

  async function migrations(): Promise<Vmim[]> {
    const list = await objects().list<Vmim>('kubevirt.io/v1', 'VirtualMachineInstanceMigration', namespace);
    return list.items.sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
  }

  /** Plays KubeVirt's migration controller for the first migration of `vm` not in `before`: marks it Succeeded. */
  async function succeedNextMigration(vm: string, before: ReadonlySet<string | undefined>): Promise<void> {
    const created = await eventually(`a new migration of ${vm}`, async () =>
      (await migrations()).find((m) => m.spec.vmiName === vm && !before.has(m.metadata?.name)));
    await custom().patchNamespacedCustomObjectStatus({
      group: 'kubevirt.io', version: 'v1', plural: 'virtualmachineinstancemigrations', namespace, name: created.metadata!.name!,
      body: { status: { phase: 'Succeeded' } },
    }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  }

  beforeAll(async () => {
    // GIVEN three cpu VMs applied by virtwork (the stand-in keeps virtwork-cpu-2 from running)
    fake = await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 50, neverReady: ['virtwork-cpu-2'] });
    dir = scratchDir('migrate');
    globals = ['--kubeconfig', process.env[KUBECONFIG_ENV]!, '--no-audit', '-n', namespace, '-o', 'json'];
    const dist = synthCpu(dir, 'dist', namespace, 3, 'mig-1');
    const applied = await runApplyCli([...globals, 'apply', dist, '--wait', '--timeout', '5s']);
    expect(applied.events.filter((e) => e.event === 'vm' && e.outcome === 'ready').map((e) => e.name).sort()).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    // AND a running VMI that virtwork did not create
    await objects().create({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'someone-elses', namespace }, spec: { domain: { devices: {} } } } as k8s.KubernetesObject);
    await objects().patch({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'someone-elses', namespace }, status: { phase: 'Running' } } as k8s.KubernetesObject,
      undefined, undefined, 'test', undefined, k8s.PatchStrategy.MergePatch);
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('requests a migration for every running virtwork VM, skips the others, and never touches foreign VMs', async () => {
    // WHEN every virtwork VM of the namespace is migrated
    const run = await runApplyCli([...globals, 'migrate']);

    // THEN the two running VMs get a labelled migration, the one not running is skipped with the reason
    expect(run.code).toBe(0);
    const outcomes = run.events.filter((e) => e.event === 'migration').map((e) => [e.vm, e.outcome, e.reason ?? '-']);
    expect(outcomes).toEqual([
      ['virtwork-cpu-0', 'requested', '-'],
      ['virtwork-cpu-1', 'requested', '-'],
      ['virtwork-cpu-2', 'skipped', 'not running (phase Scheduling)'],
    ]);
    const created = await migrations();
    expect(created.map((m) => m.spec.vmiName)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    for (const m of created) {
      expect(m.metadata?.name).toMatch(new RegExp(`^${m.spec.vmiName}-migrate-[0-9a-z]+$`));
      expect(m.metadata?.labels).toEqual({
        'app.kubernetes.io/managed-by': 'virtwork', 'app.kubernetes.io/name': 'virtwork-cpu', 'app.kubernetes.io/component': 'cpu', 'virtwork/run-id': 'mig-1',
      });
    }
  });

  it('waits until the migration succeeded with --wait', async () => {
    const before = new Set((await migrations()).map((m) => m.metadata?.name));
    const [run] = await Promise.all([
      runApplyCli([...globals, 'migrate', 'virtwork-cpu-0', '--wait', '--timeout', '20s']),
      succeedNextMigration('virtwork-cpu-0', before),
    ]);
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.event === 'migration')).toEqual([expect.objectContaining({ vm: 'virtwork-cpu-0', outcome: 'succeeded' })]);
  });

  it('fails (exit 3) when a migration does not finish in time', async () => {
    const run = await runApplyCli([...globals, 'migrate', 'virtwork-cpu-1', '--wait', '--timeout', '1s', '--run-id', 'mig-1', '--workload', 'cpu']);
    expect(run.code).toBe(3);
    expect(run.events.find((e) => e.event === 'migration')).toMatchObject({ vm: 'virtwork-cpu-1', outcome: 'timeout', reason: 'still migrating when the wait ended' });
  });

  it('fails (exit 3) when a VM asked for by name cannot be migrated', async () => {
    const run = await runApplyCli([...globals, 'migrate', 'virtwork-cpu-2']);
    expect(run.code).toBe(3);
    expect(run.events.find((e) => e.event === 'migration')).toMatchObject({ vm: 'virtwork-cpu-2', outcome: 'skipped' });
  });

  it.each([
    ['virtwork-cpu-9', 'no virtwork VM instance "virtwork-cpu-9" in namespace NS (did you mean "virtwork-cpu-0"?); instances: virtwork-cpu-0, virtwork-cpu-1, virtwork-cpu-2'],
    ['someone-elses', 'no virtwork VM instance "someone-elses" in namespace NS; instances: virtwork-cpu-0, virtwork-cpu-1, virtwork-cpu-2'],
  ])('fails when %s is not a virtwork VM, migrating nothing', async (vm, message) => {
    const before = (await migrations()).length;
    const run = await runApplyCli([...globals, 'migrate', 'virtwork-cpu-0', vm]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`virtwork-apply: ${message.replace('NS', namespace)}\n`);
    expect((await migrations()).length).toBe(before);
  });

  it('fails when another run is named: its VMs are not considered', async () => {
    const run = await runApplyCli([...globals, 'migrate', 'virtwork-cpu-0', '--run-id', 'other-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no virtwork VM instance "virtwork-cpu-0" in namespace ${namespace} (run id other-run); instances: none`);
  });
});
