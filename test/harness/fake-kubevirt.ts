import * as k8s from '@kubernetes/client-node';

/** What the stand-in controller should do; VMs are named without namespace. */
export interface FakeKubevirtOptions {
  /** Path of a kubeconfig (its current context is used), or a loaded KubeConfig. */
  readonly kubeconfig: string | k8s.KubeConfig;
  /**
   * Watch VirtualMachines in this namespace only.
   * @default all namespaces
   */
  readonly namespace?: string;
  /**
   * Time between creating a VirtualMachineInstance and setting its final status.
   * @default 100
   */
  readonly readyDelayMs?: number;
  /**
   * VMs whose instance fails: phase `Failed`, condition Ready False with reason `FAKE_FAILURE_REASON`.
   * @default []
   */
  readonly failVMs?: readonly string[];
  /**
   * VMs whose instance stays in phase `Scheduling` with condition Ready False.
   * @default []
   */
  readonly neverReady?: readonly string[];
  /**
   * Add the condition `AgentConnected: True` to ready instances, as a guest agent would.
   * @default false
   */
  readonly agentConnected?: boolean;
}

/** A running stand-in controller. */
export interface FakeKubevirt {
  /** Stops watching and waits for pending work; rejects with the errors the controller met, if any. */
  stop(): Promise<void>;
}

/** The Ready condition's reason on the instances of `failVMs`. */
export const FAKE_FAILURE_REASON = 'FakeKubevirtFailure';
/** The `status.nodeName` of every instance that runs. */
export const FAKE_NODE_NAME = 'fake-node-0';

/**
 * A test-only stand-in for virt-controller and CDI on a bare API server. For each VirtualMachine with
 * `spec.runStrategy: Always` it creates the DataVolumes of `spec.dataVolumeTemplates` (status phase `Succeeded`) and
 * the VirtualMachineInstance (name, namespace, labels and spec from the VM template, owned by the VM), then after
 * `readyDelayMs` sets the instance's and the VM's status. No garbage collector runs on a bare API server, so when the
 * VM is deleted it deletes the instance and the DataVolumes itself; when the VM stops being `Always`, the instance.
 * Resolves once the watch is established.
 */
export async function startFakeKubevirt(options: FakeKubevirtOptions): Promise<FakeKubevirt> {
  const controller = new FakeController(options);
  await controller.listAndWatch();
  return { stop: () => controller.stop() };
}

type Outcome = 'ready' | 'failed' | 'never-ready';

const FIELD_MANAGER = 'fake-kubevirt';
/** Work units (a VM's start, finish or stop: a few requests each, one after another) running at once. */
const MAX_IN_FLIGHT = 16;
const VM = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine' };
const VMI = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance' };
const DV = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume' };

/** A custom resource as CustomObjectsApi names it, for status subresource patches. */
interface Resource { readonly group: string; readonly version: string; readonly plural: string }
const VM_RESOURCE: Resource = { group: 'kubevirt.io', version: 'v1', plural: 'virtualmachines' };
const DV_RESOURCE: Resource = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' };

interface VirtualMachine extends k8s.KubernetesObject {
  readonly spec?: {
    readonly runStrategy?: string;
    readonly template?: { readonly metadata?: k8s.V1ObjectMeta; readonly spec?: object };
    readonly dataVolumeTemplates?: ReadonlyArray<{ readonly metadata?: k8s.V1ObjectMeta; readonly spec?: object }>;
  };
}

class FakeController {
  private readonly objects: k8s.KubernetesObjectApi;
  private readonly custom: k8s.CustomObjectsApi;
  private readonly kc: k8s.KubeConfig;
  /** Running VMs by `namespace/name`, with the uid their children belong to. */
  private readonly running = new Map<string, string>();
  /** Per-VM chains of work, so that the events of one VM are handled in order. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly errors: Error[] = [];
  private watch?: AbortController;
  private stopped = false;
  /** Set while onEvent aborts the watch to relist (see restart). */
  private relisting = false;
  /** Work units running (see limited) and the ones waiting for a turn. */
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: FakeKubevirtOptions) {
    this.kc = typeof options.kubeconfig === 'string' ? loadKubeConfig(options.kubeconfig) : options.kubeconfig;
    this.objects = k8s.KubernetesObjectApi.makeApiClient(this.kc);
    this.custom = this.kc.makeApiClient(k8s.CustomObjectsApi);
  }

  async listAndWatch(): Promise<void> {
    const { namespace } = this.options;
    const list = await this.objects.list<VirtualMachine>(VM.apiVersion, VM.kind, namespace);
    list.items.forEach((vm) => this.onEvent('ADDED', vm));
    const path = `/apis/kubevirt.io/v1${namespace ? `/namespaces/${namespace}` : ''}/virtualmachines`;
    this.watch = await new k8s.Watch(this.kc).watch(path, { resourceVersion: list.metadata?.resourceVersion },
      (type: string, vm: VirtualMachine) => this.onEvent(type, vm),
      (err: unknown) => this.restart(err));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.abort();
    this.timers.forEach((t) => clearTimeout(t));
    await Promise.all(this.queues.values());
    if (this.errors.length > 0) {
      throw new Error(`fake-kubevirt: ${this.errors.map((e) => e.message).join('; ')}`, { cause: this.errors[0] });
    }
  }

  private restart(err: unknown): void {
    if (this.stopped) return;
    // an ERROR event (410 Gone when the list is older than etcd's compaction, as at 5,000 VMs) makes onEvent abort
    // the watch on purpose: its AbortError is the relist starting, not a failure
    const ours = this.relisting;
    this.relisting = false;
    if (err && !ours) this.errors.push(new Error(`watch ended: ${String(err)}`));
    this.listAndWatch().catch((e: Error) => this.errors.push(e));
  }

  private onEvent(type: string, vm: VirtualMachine): void {
    if (type === 'ERROR') {
      // e.g. 410 Gone: the done callback lists and watches again
      this.relisting = true;
      return this.watch?.abort();
    }
    if (!['ADDED', 'MODIFIED', 'DELETED'].includes(type)) return;
    const key = `${vm.metadata?.namespace}/${vm.metadata?.name}`;
    const wanted = type !== 'DELETED' && vm.spec?.runStrategy === 'Always';
    const uid = this.running.get(key);
    if (wanted && uid === undefined) {
      this.running.set(key, vm.metadata?.uid ?? '');
      this.enqueue(key, () => this.startVm(vm));
    } else if (!wanted && uid !== undefined) {
      this.running.delete(key);
      this.enqueue(key, () => this.stopVm(vm, type === 'DELETED'));
    }
  }

  private enqueue(key: string, work: () => Promise<void>): void {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(() => this.limited(work)).catch((err: Error) => {
      this.errors.push(new Error(`${key}: ${err.message}`, { cause: err }));
    });
    this.queues.set(key, next);
  }

  /**
   * Runs `work` when fewer than MAX_IN_FLIGHT others run. Without it, 5,000 VMs started 5,000 chains at once whose
   * requests queued for the connection pool's sockets longer than the request timeout, which starts when a request is
   * made, not sent: every one was "aborted" (the 5,000-VM bench of 2026-12-02).
   */
  private async limited(work: () => Promise<void>): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      await work();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async startVm(vm: VirtualMachine): Promise<void> {
    const { name = '', namespace = '', uid = '' } = vm.metadata ?? {};
    const ownerReferences = [{ ...VM, name, uid, controller: true, blockOwnerDeletion: true }];
    for (const template of vm.spec?.dataVolumeTemplates ?? []) {
      const metadata = { ...template.metadata, namespace, ownerReferences };
      await ignoreConflict(this.objects.create({ ...DV, metadata, spec: template.spec }));
      await this.patchStatus(DV_RESOURCE, namespace, metadata.name ?? '', { phase: 'Succeeded', progress: '100.0%' });
    }
    const { labels, annotations } = vm.spec?.template?.metadata ?? {};
    await ignoreConflict(this.objects.create({
      ...VMI,
      metadata: { name, namespace, labels, annotations, ownerReferences },
      spec: vm.spec?.template?.spec,
    }));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(`${namespace}/${name}`, () => this.finishStart(namespace, name, uid));
    }, this.options.readyDelayMs ?? 100);
    this.timers.add(timer);
  }

  private async finishStart(namespace: string, name: string, uid: string): Promise<void> {
    if (this.running.get(`${namespace}/${name}`) !== uid) return; // deleted or recreated meanwhile
    const status = STATUSES[this.outcome(name)](this.options.agentConnected ?? false);
    await this.objects.patch({ ...VMI, metadata: { name, namespace }, status: status.vmi },
      undefined, undefined, FIELD_MANAGER, undefined, k8s.PatchStrategy.MergePatch);
    await this.patchStatus(VM_RESOURCE, namespace, name, status.vm);
  }

  private outcome(name: string): Outcome {
    if (this.options.failVMs?.includes(name)) return 'failed';
    if (this.options.neverReady?.includes(name)) return 'never-ready';
    return 'ready';
  }

  /** Deletes the instance, and the DataVolumes too when the VM itself is gone. */
  private async stopVm(vm: VirtualMachine, deleted: boolean): Promise<void> {
    const { name, namespace } = vm.metadata ?? {};
    await ignoreNotFound(this.objects.delete({ ...VMI, metadata: { name, namespace } }));
    for (const template of deleted ? vm.spec?.dataVolumeTemplates ?? [] : []) {
      await ignoreNotFound(this.objects.delete({ ...DV, metadata: { name: template.metadata?.name, namespace } }));
    }
  }

  /** Merge-patches the status subresource (VirtualMachine, DataVolume). */
  private async patchStatus(resource: Resource, namespace: string, name: string, status: object): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { ...resource, namespace, name, body: { status }, fieldManager: FIELD_MANAGER },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }
}

/** The status an instance and its VM end up with, by outcome. */
const STATUSES: Record<Outcome, (agentConnected: boolean) => { vmi: object; vm: object }> = {
  ready: (agentConnected) => ({
    vmi: {
      phase: 'Running', nodeName: FAKE_NODE_NAME,
      conditions: [
        { type: 'Ready', status: 'True' },
        ...(agentConnected ? [{ type: 'AgentConnected', status: 'True' }] : []),
      ],
    },
    vm: { created: true, ready: true, printableStatus: 'Running' },
  }),
  failed: () => ({
    vmi: {
      phase: 'Failed', nodeName: FAKE_NODE_NAME,
      conditions: [
        { type: 'Ready', status: 'False', reason: FAKE_FAILURE_REASON, message: 'failed on purpose by fake-kubevirt' },
      ],
    },
    vm: { created: true, ready: false, printableStatus: 'CrashLoopBackOff' },
  }),
  'never-ready': () => ({
    vmi: { phase: 'Scheduling', conditions: [{ type: 'Ready', status: 'False', reason: 'GuestNotRunning' }] },
    vm: { created: true, ready: false, printableStatus: 'Starting' },
  }),
};

function loadKubeConfig(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

async function ignoreConflict(request: Promise<unknown>): Promise<void> {
  await request.catch((err: unknown) => {
    if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
  });
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  await request.catch((err: unknown) => {
    if (!(err instanceof k8s.ApiException && err.code === 404)) throw err;
  });
}
