import * as k8s from '@kubernetes/client-node';
import {
  describeIntegration, eventually, FAKE_FAILURE_REASON, FAKE_NODE_NAME, FakeKubevirt, startFakeKubevirt, testKubeConfig,
  useTestNamespace,
} from '.';

interface Condition { type: string; status: string; reason?: string }
interface WithStatus extends k8s.KubernetesObject { status?: { phase?: string; ready?: boolean } }
interface Instance extends k8s.KubernetesObject {
  spec: Record<string, unknown>;
  status?: { phase?: string; nodeName?: string; conditions?: Condition[] };
}

describeIntegration('startFakeKubevirt', () => {
  const namespace = useTestNamespace('fake-kubevirt');
  const objects = (): k8s.KubernetesObjectApi => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  let fake: FakeKubevirt | undefined;

  beforeAll(async () => {
    fake = await startFakeKubevirt({
      kubeconfig: testKubeConfig(),
      namespace,
      readyDelayMs: 50,
      failVMs: ['vm-failing'],
      neverReady: ['vm-stuck'],
      agentConnected: true,
    });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  /** A small valid VM with a blank DataVolume template. */
  function vm(name: string, runStrategy = 'Always'): k8s.KubernetesObject & { spec: object } {
    return {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'virtwork' } },
      spec: {
        runStrategy,
        dataVolumeTemplates: [{
          metadata: { name: `data-${name}` },
          spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
        }],
        template: {
          metadata: { labels: { 'virtwork/role': 'under-test' } },
          spec: { domain: { devices: {}, resources: { requests: { memory: '128Mi' } } } },
        },
      },
    };
  }

  const create = (obj: k8s.KubernetesObject): Promise<k8s.KubernetesObject> => objects().create(obj);

  function read<T extends k8s.KubernetesObject>(apiVersion: string, kind: string, name: string): Promise<T> {
    return objects().read({ apiVersion, kind, metadata: { name, namespace } }) as Promise<T>;
  }

  const instance = (name: string): Promise<Instance> => read<Instance>('kubevirt.io/v1', 'VirtualMachineInstance', name);

  async function instanceWithPhase(name: string, phase: string): Promise<Instance> {
    return eventually(`VMI ${name} in phase ${phase}`, async () => {
      const vmi = await instance(name);
      return vmi.status?.phase === phase ? vmi : undefined;
    });
  }

  async function gone(apiVersion: string, kind: string, name: string): Promise<void> {
    const notFound = (err: unknown): true | undefined => (err instanceof k8s.ApiException && err.code === 404 ? true : undefined);
    await eventually(`${kind} ${name} to be deleted`, () => read(apiVersion, kind, name).then(() => undefined, notFound));
  }

  it('runs the instance of a VM with runStrategy Always: owned by the VM, template labels and spec, Ready', async () => {
    // GIVEN a VM that should run
    const created = await create(vm('vm-ready'));

    // WHEN the stand-in has handled it
    const vmi = await instanceWithPhase('vm-ready', 'Running');

    // THEN the instance mirrors the template and is ready on a node, with the guest agent connected
    expect(vmi.metadata?.labels).toEqual({ 'virtwork/role': 'under-test' });
    expect(vmi.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'VirtualMachine', name: 'vm-ready', uid: created.metadata?.uid, controller: true }),
    ]);
    expect(vmi.spec).toMatchObject({ domain: { resources: { requests: { memory: '128Mi' } } } });
    expect(vmi.status).toMatchObject({ nodeName: FAKE_NODE_NAME });
    expect(vmi.status?.conditions).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'Ready', status: 'True' }), expect.objectContaining({ type: 'AgentConnected', status: 'True' }),
    ]));
    // AND its DataVolume exists and succeeded, AND the VM reports ready
    const dv = await read<WithStatus>('cdi.kubevirt.io/v1beta1', 'DataVolume', 'data-vm-ready');
    expect(dv.status?.phase).toBe('Succeeded');
    const vmStatus = await eventually('VM vm-ready ready', async () => {
      const { status } = await read<WithStatus>('kubevirt.io/v1', 'VirtualMachine', 'vm-ready');
      return status?.ready ? status : undefined;
    });
    expect(vmStatus).toMatchObject({ ready: true, printableStatus: 'Running' });
  });

  it('fails the instance of a VM listed in failVMs, with a reason', async () => {
    // GIVEN a VM the stand-in was told to fail
    await create(vm('vm-failing'));

    // THEN its instance ends Failed and not Ready, with the stand-in's reason
    const vmi = await instanceWithPhase('vm-failing', 'Failed');
    expect(vmi.status?.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason: FAKE_FAILURE_REASON })]);
  });

  it('never makes the instance of a VM listed in neverReady ready', async () => {
    // GIVEN a VM the stand-in was told never to make ready
    await create(vm('vm-stuck'));

    // THEN its instance stays Scheduling and not Ready
    const vmi = await instanceWithPhase('vm-stuck', 'Scheduling');
    expect(vmi.status?.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False' })]);
  });

  it('leaves a VM that is not runStrategy Always without an instance', async () => {
    // GIVEN a halted VM, then a running one (the stand-in handles the events of the watch in order)
    await create(vm('vm-halted', 'Halted'));
    await create(vm('vm-after-halted'));
    await instanceWithPhase('vm-after-halted', 'Running');

    // THEN the halted VM has no instance
    await expect(instance('vm-halted')).rejects.toMatchObject({ code: 404 });
  });

  it('deletes the instance and the DataVolumes when the VM is deleted', async () => {
    // GIVEN a running VM
    await create(vm('vm-deleted'));
    await instanceWithPhase('vm-deleted', 'Running');

    // WHEN the VM is deleted
    await objects().delete({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm-deleted', namespace } });

    // THEN what the stand-in created goes too
    await gone('kubevirt.io/v1', 'VirtualMachineInstance', 'vm-deleted');
    await gone('cdi.kubevirt.io/v1beta1', 'DataVolume', 'data-vm-deleted');
  });
});
