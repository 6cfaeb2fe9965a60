import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderToDir } from '../../lib/render/render';
import { describeIntegration, FakeKubevirt, startFakeKubevirt, testKubeConfig, useTestNamespace } from '../harness';
import { KUBECONFIG_ENV } from '../harness/cluster-env';
import { runApplyCli, scratchDir } from '../cluster/_run';

type Vmi = k8s.KubernetesObject & { spec: { readinessProbe?: { httpGet?: { path: string; port: number }; initialDelaySeconds?: number } } };

describeIntegration('readiness: virtwork-apply wait waits for the Ready condition the health-responder probe drives', () => {
  const namespace = useTestNamespace('ready');
  let fake: FakeKubevirt;
  let dir: string;
  let globals: string[];

  beforeAll(async () => {
    // GIVEN the stand-in controller, holding virtwork-cpu-1 not ready as a failing probe would
    fake = await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs: 100, neverReady: ['virtwork-cpu-1'] });
    dir = scratchDir('ready');
    globals = ['--kubeconfig', process.env[KUBECONFIG_ENV]!, '--no-audit', '-n', namespace, '-o', 'json'];
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the VM whose probe does not pass as not ready (exit 3) and the other as ready', async () => {
    // WHEN two cpu VMs (probe on, the default) are applied and waited for
    const dist = path.join(dir, 'dist');
    renderToDir({ namespace, runId: 'ready-1', workloads: [{ name: 'cpu', vmCount: 2 }] }, dist);
    const run = await runApplyCli([...globals, 'apply', dist, '--wait', '--timeout', '3s']);

    // THEN wait ends with exit 3: cpu-0 ready, cpu-1 timed out with the Ready condition's reason
    expect(run.code).toBe(3);
    const vms = run.events.filter((e) => e.event === 'vm' && e.name).map((e) => [e.name, e.outcome, e.reason ?? '-']).sort();
    expect(vms).toEqual([['virtwork-cpu-0', 'ready', '-'], ['virtwork-cpu-1', 'timeout', 'GuestNotRunning']]);

    // AND the instances (made by KubeVirt from the VM template, through the API server's CRD schema) carry the
    // HTTP probe kubelet sends to the guest's health responder
    const api = k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
    const vmi = await api.read({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'virtwork-cpu-1', namespace } }) as Vmi;
    expect(vmi.spec.readinessProbe).toMatchObject({ httpGet: { path: '/virtwork/ready', port: 8099 }, initialDelaySeconds: 120 });

    // AND status shows per VM whether it is Ready (for storage-bench: whether its matrix is complete), and why not
    const status = await runApplyCli([...globals, 'status', '--run-id', 'ready-1']);
    const rows = status.events.filter((e) => e.event === 'vm').map((e) => [e.vm, e.ready, e.reason]);
    expect(rows).toEqual([['virtwork-cpu-0', true, '-'], ['virtwork-cpu-1', false, expect.stringMatching(/^GuestNotRunning/)]]);
  });
});
