import * as fs from 'node:fs';
import { applyManifests } from '../../lib/cluster/apply';
import { CancelledError } from '../../lib/cluster/_cancelled';
import { connect } from '../../lib/cluster/kubeconfig';
import { readManifests } from '../../lib/cluster/manifests';
import { describeIntegration, FakeKubevirt, startFakeKubevirt, testKubeConfig } from '../harness';
import { Fault, FaultProxy, startFaultProxy } from './_fault-proxy';
import { adminKubeconfig, freshNamespace, listNames, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('virtwork-apply against a faulty API server (fault-injecting proxy)', () => {
  let proxy: FaultProxy;
  let dir: string;
  const fakes: FakeKubevirt[] = [];
  beforeAll(async () => {
    proxy = await startFaultProxy(adminKubeconfig());
    dir = scratchDir('faults');
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const via = (kubeconfig: string, namespace: string) => ['--kubeconfig', kubeconfig, '--no-audit', '-n', namespace, '-o', 'json'];
  const fake = async (namespace: string, readyDelayMs: number) => {
    const f = await startFakeKubevirt({ kubeconfig: testKubeConfig(), namespace, readyDelayMs });
    fakes.push(f);
  };

  it('converges through 429 with Retry-After, 500, 503, connection resets and slow replies: every object exactly once', async () => {
    // GIVEN 8 VMs with their Secrets, and a proxy that fails the first attempt of every write and every list
    const namespace = freshNamespace('faults');
    const manifests = synthCpu(dir, 'converge', namespace, 8);
    const expected = await readManifests(manifests);
    const cycle: Fault[] = [{ status: 429, retryAfterSeconds: 1 }, { status: 500 }, { status: 503 }, { reset: 'before' }, { reset: 'after' }, { delayMs: 300 }];
    let writes = 0;
    proxy.setSchedule((r) => {
      if (r.attempt > 0) return undefined;
      if (r.method === 'PATCH') return cycle[writes++ % cycle.length];
      if (r.method === 'GET' && !r.watch && r.query.has('labelSelector')) return { status: 503 };
      return undefined;
    }, true);

    // WHEN dist is applied through the proxy
    const run = await runApplyCli([...via(proxy.kubeconfigPath, namespace), 'apply', manifests]);

    // THEN it succeeds, every object is created once, and every kind of fault was met and retried
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.events.find((e) => e.event === 'apply-finished')).toMatchObject({ created: expected.length, changed: 0 });
    const names = (kind: string) => expected.filter((m) => m.object.kind === kind).map((m) => m.object.metadata.name).sort();
    expect(await listNames('v1', 'Secret', namespace, 'virtwork/run-id=default')).toEqual(names('Secret'));
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace, 'virtwork/run-id=default')).toEqual(names('VirtualMachine'));
    const kinds = new Set(proxy.injected.map(({ fault }) => Object.keys(fault)[0] + ('status' in fault ? fault.status : '')));
    expect([...kinds].sort()).toEqual(['delayMs', 'reset', 'status429', 'status500', 'status503']);
    expect(run.events.filter((e) => e.event === 'retry').length).toBeGreaterThanOrEqual(proxy.injected.length - 2);
    // AND the waves were kept: the Namespace before any Secret, every Secret before any VirtualMachine
    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    const last = (re: RegExp) => Math.max(...patches.filter((r) => re.test(r.path)).map((r) => r.index));
    const first = (re: RegExp) => Math.min(...patches.filter((r) => re.test(r.path)).map((r) => r.index));
    expect(last(/\/namespaces\/[^/]+$/)).toBeLessThan(first(/\/secrets\//));
    expect(last(/\/secrets\//)).toBeLessThan(first(/\/virtualmachines\//));
    // AND the retry after a 429 waited for Retry-After (1 s)
    for (const { request } of proxy.injected.filter(({ fault }) => 'status' in fault && fault.status === 429)) {
      const next = proxy.requests.find((r) => r.method === request.method && r.path === request.path && r.attempt === 1)!;
      expect(next.at - request.at).toBeGreaterThanOrEqual(950);
    }
  });

  it('retries a request that times out', async () => {
    // GIVEN a proxy that holds the first answer to one object for 1.5 s, and a request timeout of 0.5 s
    const namespace = freshNamespace('timeout');
    const manifests = await readManifests(synthCpu(dir, 'timeout', namespace, 1));
    proxy.setSchedule((r) => (r.method === 'PATCH' && r.path.endsWith('/secrets/virtwork-cpu-0-cloudinit') && r.attempt === 0 ? { delayMs: 1500 } : undefined), true);
    const cluster = connect({ kubeconfig: proxy.kubeconfigPath, requestTimeoutMs: 500 });

    // WHEN applied
    const outcomes = await applyManifests(cluster, manifests);

    // THEN the slow request was abandoned and sent again
    expect(outcomes.map((o) => o.action)).toEqual(manifests.map(() => 'created'));
    expect(proxy.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/secrets/virtwork-cpu-0-cloudinit')).length).toBe(2);
  });

  it('converges when an apply is cancelled midway and run again', async () => {
    // GIVEN 10 VMs, an apply cancelled after its 6th object
    const namespace = freshNamespace('resume');
    const dirOf = synthCpu(dir, 'resume', namespace, 10);
    const manifests = await readManifests(dirOf);
    proxy.setSchedule(undefined, true);
    const controller = new AbortController();
    const cluster = connect({ kubeconfig: adminKubeconfig(), signal: controller.signal });
    let done = 0;
    const first = applyManifests(cluster, manifests, { concurrency: 2, onObject: () => ++done === 6 && controller.abort() });
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    const secretsAfterCancel = await listNames('v1', 'Secret', namespace, 'virtwork/run-id=default');
    expect(secretsAfterCancel.length).toBeGreaterThanOrEqual(5);
    expect(secretsAfterCancel.length).toBeLessThan(manifests.length - 1);

    // WHEN it is run again
    const run = await runApplyCli([...via(adminKubeconfig(), namespace), 'apply', dirOf]);

    // THEN it completes: what the first run made is unchanged, the rest is created, each object once
    expect(run.code).toBe(0);
    const finished = run.events.find((e) => e.event === 'apply-finished')!;
    expect(finished.created + finished.unchanged).toBe(manifests.length);
    expect(finished.unchanged).toBeGreaterThanOrEqual(secretsAfterCancel.length);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace, 'virtwork/run-id=default'))
      .toEqual(manifests.filter((m) => m.object.kind === 'VirtualMachine').map((m) => m.object.metadata.name).sort());
  });

  it('waits with one list + watch per kind: requests do not grow with the number of VMs (3 vs 12)', async () => {
    const requestsFor = async (vmCount: number): Promise<Map<string, number>> => {
      // GIVEN vmCount VMs applied, that the stand-in makes Ready after 1 s
      const namespace = freshNamespace(`count${vmCount}`);
      await fake(namespace, 1000);
      expect((await runApplyCli([...via(adminKubeconfig(), namespace), 'apply', synthCpu(dir, `count${vmCount}`, namespace, vmCount)])).code).toBe(0);
      proxy.setSchedule(undefined, true);
      // WHEN waiting through the proxy
      const run = await runApplyCli([...via(proxy.kubeconfigPath, namespace), 'wait', '--timeout', '60s']);
      // THEN every VM is ready
      expect(run.code).toBe(0);
      expect(run.events.filter((e) => e.event === 'vm' && e.outcome === 'ready').length).toBe(vmCount);
      const shape = new Map<string, number>();
      proxy.counts().forEach((n, key) => shape.set(key.replace(`/namespaces/${namespace}/`, '/namespaces/<ns>/'), n));
      return shape;
    };
    const three = await requestsFor(3);
    const twelve = await requestsFor(12);
    expect(twelve).toEqual(three);
    expect(three.get('WATCH /apis/kubevirt.io/v1/namespaces/<ns>/virtualmachineinstances')).toBe(1);
    expect([...three.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
  });

  it('re-establishes a dropped watch from the last resourceVersion, and lists again after 410 Gone', async () => {
    // GIVEN 4 VMs the stand-in makes Ready after 2 s, and a proxy that cuts the first watch and answers the second with 410 Gone
    const namespace = freshNamespace('rewatch');
    await fake(namespace, 2000);
    expect((await runApplyCli([...via(adminKubeconfig(), namespace), 'apply', synthCpu(dir, 'rewatch', namespace, 4)])).code).toBe(0);
    let watches = 0;
    proxy.setSchedule((r) => {
      if (!r.watch) return undefined;
      watches++;
      return watches === 1 ? { cutWatchAfterMs: 300 } : watches === 2 ? { watchGone: true } : undefined;
    }, true);

    // WHEN waiting through the proxy
    const run = await runApplyCli([...via(proxy.kubeconfigPath, namespace), 'wait', '--timeout', '60s']);

    // THEN it still sees every VM become ready
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.event === 'vm' && e.outcome === 'ready').length).toBe(4);
    // AND it watched again from a resourceVersion after the cut, and listed again after 410 Gone
    const vmiPath = `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstances`;
    const watchRequests = proxy.requests.filter((r) => r.watch && r.path === vmiPath);
    expect(watchRequests.length).toBe(3);
    expect(watchRequests[1].query.get('resourceVersion')).toBeTruthy();
    expect(proxy.requests.filter((r) => !r.watch && r.method === 'GET' && r.path === vmiPath).length).toBe(2);
  });
});
