import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../lib/config/synth-input';
import { synthesize } from '../../../lib/render/synth';
import { parseQuantity } from '../../../lib/core/quantity';
import { GuestDisk } from './qemu';
import { Probe } from './probe';

/** CDI's default filesystem overhead: a Filesystem-mode PVC's disk.img is this much smaller than requested. */
export const CDI_FILESYSTEM_OVERHEAD = 0.055;

/** One VM of the synthesized manifests, as the tier boots it. */
export interface SynthVm {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The user-data of its cloud-init Secret. */
  readonly userData: string;
  readonly probe?: Probe;
  /** Disks in `spec.domain.devices.disks` order, mapped to what backs them. */
  readonly disks: readonly GuestDisk[];
  readonly cpuCores: number;
}

/** A Service of the manifests (the tier plays cluster DNS: its name resolves to the guest its selector picks). */
export interface SynthService {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
}

/** Everything the tier needs from one synthesis. */
export interface Synthesized {
  readonly vms: readonly SynthVm[];
  readonly services: readonly SynthService[];
}

/**
 * Synthesizes `workloads` exactly as `virtwork synth` would with these flags (guest family debian; the tier adds
 * the golden image and its own small sizes through ordinary flags), and reads back the VMs, Secrets and Services.
 */
export function synthesizeForGuests(workloads: string, flags: Readonly<Record<string, unknown>> = {}): Synthesized {
  const loaded = loadConfig({ flags: { workloads, guestFamily: 'debian', ...flags }, env: {}, cwd: `${__dirname}/../../..` });
  const objects: any[] = [];
  for (const [file, text] of synthesize(loaded.input)) {
    if (file === 'kustomization.yaml') continue;
    for (const doc of parseAllDocuments(text)) objects.push(doc.toJS());
  }
  const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, o]));
  const vms = objects.filter((o) => o.kind === 'VirtualMachine').map((vm): SynthVm => {
    const spec = vm.spec.template.spec;
    const volumes = new Map<string, any>(spec.volumes.map((v: any) => [v.name, v]));
    const templates = new Map<string, any>((vm.spec.dataVolumeTemplates ?? []).map((t: any) => [t.metadata.name, t]));
    const disks = spec.domain.devices.disks.map((d: any): GuestDisk => {
      const v = volumes.get(d.name);
      if (v.containerDisk || v.dataVolume?.name?.startsWith('virtwork-root-')) return { kind: 'root', name: d.name };
      if (v.cloudInitNoCloud) return { kind: 'cloudinit', name: d.name };
      const t = templates.get(v.dataVolume.name);
      const requested = parseQuantity(t.spec.storage.resources.requests.storage)!;
      const block = t.spec.storage.volumeMode === 'Block';
      const bytes = block ? requested : Math.floor((requested * (1 - CDI_FILESYSTEM_OVERHEAD)) / (1024 * 1024)) * 1024 * 1024;
      return { kind: 'data', name: d.name, serial: d.serial, sizeBytes: bytes };
    });
    const secretName = volumes.get('cloudinitdisk').cloudInitNoCloud.secretRef.name;
    const secret = secrets.get(secretName);
    if (!secret) throw new Error(`${vm.metadata.name}: Secret ${secretName} is not in the manifests (use --user-data-secret secret)`);
    return {
      name: vm.metadata.name, namespace: vm.metadata.namespace, labels: vm.spec.template.metadata.labels,
      userData: secret.stringData.userdata, probe: spec.readinessProbe, disks, cpuCores: spec.domain.cpu?.cores ?? 1,
    };
  });
  const services = objects.filter((o) => o.kind === 'Service').map((s) => ({ name: s.metadata.name, namespace: s.metadata.namespace, selector: s.spec.selector ?? {} }));
  return { vms, services };
}
