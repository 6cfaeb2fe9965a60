import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { VirtworkError, show } from '../core/errors';

/** Label KubeVirt puts on a VM's virt-launcher pod (same as service.ts's LABEL_KUBEVIRT_VM_NAME, kept here to stay import-free). */
const VM_NAME_LABEL = 'vm.kubevirt.io/name';
const REGISTERED = new WeakSet<IConstruct>();

/** What the checks read of a virtwork VirtualMachine construct (duck-typed: this module imports no construct). */
interface VmLike extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly dataVolumeNames: readonly string[];
}

/** What the checks read of a workload construct. */
interface InstanceLike extends IConstruct {
  readonly instanceName: string;
  readonly workloadName: string;
}

/**
 * Adds the app-wide checks to the app of `scope`, once per app: they run when the app is synthesized (`app.synth()`,
 * `chart.toJson()`, virtwork's own rendering) and throw a VirtworkError for the first problem (see checkAppObjects).
 * Every virtwork workload and VM construct calls it, so any app holding one is checked, the user's own objects too.
 */
export function registerAppChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (REGISTERED.has(root)) return;
  REGISTERED.add(root);
  root.node.addValidation({ validate: () => (checkAppObjects(root), []) });
}

/**
 * Checks the whole tree under `root` (an App):
 * - no two objects share kind, namespace and name (API objects of any construct, and the DataVolumes KubeVirt creates
 *   from virtwork VMs' templates): one line naming both construct paths;
 * - no Service of a workload instance selects the VMs of another instance (the instance named after its type carries
 *   no `virtwork/instance` label, so a selector of its own could reach a sibling instance's VMs).
 */
export function checkAppObjects(root: IConstruct): void {
  // the construct defining each object (its path, which takes a walk up the tree, only for a message)
  const seen = new Map<string, { by: IConstruct; template: boolean }>();
  const vms: VmLike[] = [];
  const services: ApiObject[] = [];
  const where = (d: { by: IConstruct; template: boolean }) => `${d.by.node.path}${d.template ? ' (DataVolume template)' : ''}`;
  const add = (kind: string, group: string, namespace: string | undefined, name: string, by: IConstruct, template = false) => {
    const key = `${group}/${kind}\0${namespace ?? ''}\0${name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const inNamespace = namespace === undefined ? '' : ` in namespace ${show(namespace)}`;
      throw new VirtworkError(`duplicate ${kind} ${show(name)}${inNamespace}: defined by ${where(first)} and by ${where({ by, template })}`);
    }
    seen.set(key, { by, template });
  };
  for (const c of root.node.findAll()) {
    if (c instanceof ApiObject) {
      add(c.kind, c.apiGroup, c.metadata.namespace, c.name, c);
      if (c.kind === 'Service' && c.apiGroup === 'core') services.push(c);
    } else if (isVm(c)) {
      vms.push(c);
      for (const dv of c.dataVolumeNames) add('DataVolume', 'cdi.kubevirt.io', c.namespace, dv, c, true);
    }
  }
  checkSelectors(services, vms);
}

function checkSelectors(services: readonly ApiObject[], vms: readonly VmLike[]): void {
  if (services.length === 0 || vms.length === 0) return;
  const byNamespace = new Map<string, VmLike[]>();
  const byName = new Map<string, VmLike>();
  for (const vm of vms) {
    const list = byNamespace.get(vm.namespace);
    if (list) list.push(vm);
    else byNamespace.set(vm.namespace, [vm]);
    byName.set(`${vm.namespace}\0${vm.name}`, vm);
  }
  // the VMs of a namespace by the value of one label, built for the label keys selectors use: a Service's candidates
  // are then the VMs carrying one of its selector's pairs, not every VM of the namespace (a fleet has thousands)
  const byLabel = new Map<string, Map<string, VmLike[]>>();
  const withLabel = (namespace: string, key: string, value: string): readonly VmLike[] => {
    let index = byLabel.get(`${namespace}\0${key}`);
    if (!index) {
      byLabel.set(`${namespace}\0${key}`, (index = new Map()));
      for (const vm of byNamespace.get(namespace) ?? []) {
        const v = vm.labels[key];
        if (v === undefined) continue;
        const list = index.get(v);
        if (list) list.push(vm);
        else index.set(v, [vm]);
      }
    }
    return index.get(value) ?? [];
  };
  const owners = new Map<VmLike, InstanceLike | undefined>();
  for (const svc of services) {
    const owner = instanceOf(svc);
    if (owner === undefined) continue;
    const json = svc.toJson() as { metadata?: { namespace?: string }; spec?: { selector?: Record<string, string> } };
    const selector = json.spec?.selector;
    const namespace = json.metadata?.namespace ?? '';
    if (!selector || Object.keys(selector).length === 0) continue;
    const pinned = selector[VM_NAME_LABEL];
    // every VM matching the whole selector is in each pair's list, in the order of `vms`: the smallest list will do
    let candidates: readonly VmLike[] | undefined = pinned !== undefined ? [byName.get(`${namespace}\0${pinned}`)].filter((v): v is VmLike => v !== undefined) : undefined;
    for (const [k, v] of Object.entries(selector)) {
      if (candidates !== undefined && candidates.length === 0) break;
      if (k === VM_NAME_LABEL) continue;
      const list = withLabel(namespace, k, v);
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    for (const vm of candidates ?? []) {
      const matches = Object.entries(selector).every(([k, v]) => (k === VM_NAME_LABEL ? vm.name === v : vm.labels[k] === v));
      if (!matches) continue;
      if (!owners.has(vm)) owners.set(vm, instanceOf(vm));
      const other = owners.get(vm);
      if (other !== undefined && other !== owner) {
        throw new VirtworkError(
          `Service ${show(svc.name)} of ${owner.node.path} also selects VM ${show(vm.name)} of ${other.node.path} (another instance of ` +
            `${show(other.workloadName)}): the instance named after its workload type carries no virtwork/instance label, ` +
            `so give it a name of its own (e.g. ${show(`${owner.workloadName}-a`)})`,
        );
      }
    }
  }
}

function isVm(c: IConstruct): c is VmLike {
  const v = c as Partial<VmLike>;
  return Array.isArray(v.dataVolumeNames) && typeof v.name === 'string' && typeof v.labels === 'object';
}

/** The workload instance a construct belongs to: its nearest ancestor with an instance name. */
function instanceOf(c: IConstruct): InstanceLike | undefined {
  for (let s: IConstruct | undefined = c.node.scope; s !== undefined; s = s.node.scope) {
    const i = s as Partial<InstanceLike>;
    if (typeof i.instanceName === 'string' && typeof i.workloadName === 'string') return i as InstanceLike;
  }
  return undefined;
}
