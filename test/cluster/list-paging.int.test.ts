import * as fs from 'node:fs';
import { planCleanup } from '../../lib/cluster/cleanup';
import { VIRTUAL_MACHINE } from '../../lib/cluster/kinds';
import { connect } from '../../lib/cluster/kubeconfig';
import { listAll } from '../../lib/cluster/requests';
import { waitForVms } from '../../lib/cluster/wait';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../../lib/core/labels';
import { describeIntegration, FakeKubevirt, startFakeKubevirt, testKubeConfig } from '../harness';
import { adminKubeconfig, freshNamespace, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

// client-node deserializes the list of a CRD kind with ObjectMeta for its metadata, which drops `continue`: a paged
// list of VirtualMachines once ended after its first page (500 of 5,000 VMs waited for, listed, cleaned up)
describeIntegration('list requests follow every page, for CRD kinds as for built-in ones (real API server)', () => {
  let dir: string;
  let namespace: string;
  const fakes: FakeKubevirt[] = [];
  const selector = { [LABEL_MANAGED_BY]: MANAGED_BY };
  beforeAll(async () => {
    dir = scratchDir('paging');
    namespace = freshNamespace('paging');
    // GIVEN 5 VMs, 5 Secrets and their Namespace, applied
    const run = await runApplyCli(['--kubeconfig', adminKubeconfig(), '--no-audit', '-n', namespace, '-o', 'json', 'apply', synthCpu(dir, 'paging', namespace, 5)]);
    expect(run.code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists all 5 VirtualMachines and all 5 Secrets in pages of 2', async () => {
    const cluster = connect({ kubeconfig: adminKubeconfig() });
    const vms = await listAll(cluster, VIRTUAL_MACHINE, namespace, selector, { pageSize: 2 });
    expect(vms.items.map((o) => o.metadata?.name).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `virtwork-cpu-${i}`));
    expect(vms.resourceVersion).toMatch(/^\d+$/);
    const secrets = await listAll(cluster, { apiVersion: 'v1', kind: 'Secret' }, namespace, selector, { pageSize: 2 });
    expect(secrets.items).toHaveLength(5);
  });

  it('plans the cleanup of every VM and waits for every VM when the lists span several pages', async () => {
    const cluster = connect({ kubeconfig: adminKubeconfig() });
    const plan = await planCleanup(cluster, { namespace, pageSize: 2 });
    const planned = plan.kinds.find((k) => k.ref.kind === 'VirtualMachine')!;
    expect(planned.objects).toHaveLength(5);
    fakes.push(await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 50 }));
    const results = await waitForVms(cluster, { namespace, timeoutMs: 60_000, pageSize: 2 });
    expect(results.map((r) => [r.name, r.outcome])).toEqual([0, 1, 2, 3, 4].map((i) => [`virtwork-cpu-${i}`, 'ready']));
  });
});
