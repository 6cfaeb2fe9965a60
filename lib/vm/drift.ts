import { UUID_NAMESPACE_URL, uuidV5 } from '../core/_uuid';

/**
 * Name space of virtwork's firmware UUIDs: the UUID v5 of this URL in the RFC 4122 URL name space. Never change it:
 * every VM's firmware UUID derives from it.
 */
export const FIRMWARE_UUID_NAMESPACE = uuidV5(UUID_NAMESPACE_URL, 'https://github.com/opdev/virtwork#firmware-uuid');

/** CPU architectures KubeVirt runs guests on. */
export const ARCHITECTURES = ['amd64', 'arm64', 's390x'] as const;
/** A guest CPU architecture (`spec.template.spec.architecture`). */
export type Architecture = (typeof ARCHITECTURES)[number];
/** The architecture pinned unless configured otherwise. */
export const DEFAULT_ARCHITECTURE: Architecture = 'amd64';

/** Firmware identity of a VM, set up front so that KubeVirt does not write it after creation. */
export interface PinnedFirmware {
  /** SMBIOS system UUID. */
  readonly uuid: string;
  /** SMBIOS system serial number. */
  readonly serial: string;
}

/**
 * The firmware UUID and serial of the VM `name` in `namespace`: a UUID v5 of `<namespace>/<name>`, the same on every
 * synth and different for every VM. KubeVirt's firmware controller otherwise patches a UUID into the VM after it is
 * created, which a GitOps tool then reports as drift.
 */
export function pinnedFirmware(namespace: string, name: string): PinnedFirmware {
  const uuid = uuidV5(FIRMWARE_UUID_NAMESPACE, `${namespace}/${name}`);
  return { uuid, serial: uuid };
}

/**
 * Fields of a VirtualMachine that KubeVirt fills in after virtwork applied it and that cannot be pinned portably:
 * the machine type (the cluster default, e.g. `pc-q35-rhel9.6.0` on OpenShift, `q35` upstream, set by the mutating
 * webhook) and the revision names of instancetype / preference references (set by virt-controller).
 */
export const VM_IGNORED_JSON_POINTERS: readonly string[] = [
  '/spec/template/spec/domain/machine',
  '/spec/instancetype/revisionName',
  '/spec/preference/revisionName',
];

/**
 * jq paths of fields the API server adds when KubeVirt's webhook re-serializes the spec: `creationTimestamp: null`
 * in the VMI template and in each DataVolume template (which makes Argo CD's list comparison differ).
 */
export const VM_IGNORED_JQ_PATHS: readonly string[] = [
  '.spec.template.metadata.creationTimestamp',
  '.spec.dataVolumeTemplates[]?.metadata.creationTimestamp',
];
