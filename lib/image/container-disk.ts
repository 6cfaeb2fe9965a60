import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TarEntry, writeTar } from './_tar';

/** KubeVirt's containerDisk layout: the disk image at this path in the container image, owned by the qemu user. */
export const CONTAINER_DISK_PATH = 'disk/disk.qcow2';
/** uid and gid of the qemu user in virt-launcher (KubeVirt reads the disk as 107:107). */
export const CONTAINER_DISK_OWNER = 107;
/** OCI media types used in the archive. */
export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** What the containerDisk archive is made of. */
export interface ContainerDiskOptions {
  /** The qcow2 to put at `/disk/disk.qcow2`. */
  readonly qcow2: string;
  /** Path of the archive to write (replaced atomically). */
  readonly output: string;
  /** Tag stored as `org.opencontainers.image.ref.name` (used as `oci-archive:<file>:<tag>`). */
  readonly tag: string;
  /** Timestamp of every file and of the image, seconds since the epoch (SOURCE_DATE_EPOCH). */
  readonly epoch: number;
  /** Image labels (and manifest annotations). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A blob of the OCI layout: its descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
}

/** What was written. */
export interface ContainerDiskArchive {
  /** Path of the archive. */
  readonly path: string;
  /** Descriptor of the image manifest (its digest is the image digest a registry reports). */
  readonly manifest: Descriptor;
  /** Descriptor of the single layer. */
  readonly layer: Descriptor;
}

/**
 * Writes a containerDisk as an OCI image layout in a tar archive (`oci-archive:` for skopeo and podman): one
 * uncompressed layer holding `disk/` and `disk/disk.qcow2` owned by 107:107, a config, a manifest and an index,
 * every timestamp `epoch` and every JSON document key-sorted, so the same qcow2 gives the same bytes.
 */
export async function writeContainerDiskArchive(o: ContainerDiskOptions): Promise<ContainerDiskArchive> {
  const work = mkdtempSync(join(dirname(o.output), '.oci-'));
  try {
    const owner = { uid: CONTAINER_DISK_OWNER, gid: CONTAINER_DISK_OWNER, mtime: o.epoch };
    const layerPath = join(work, 'layer.tar');
    const layerTar = await writeTar(layerPath, [
      { name: 'disk/', mode: 0o555, ...owner },
      { name: CONTAINER_DISK_PATH, mode: 0o444, content: { path: o.qcow2 }, ...owner },
    ]);
    const layer: Descriptor = { mediaType: MEDIA_TYPES.layer, digest: `sha256:${layerTar.sha256}`, size: layerTar.size };
    const created = new Date(o.epoch * 1000).toISOString().replace('.000Z', 'Z');
    const labels = { ...o.labels };
    const config = json({
      architecture: 'amd64',
      os: 'linux',
      created,
      config: Object.keys(labels).length ? { Labels: labels } : {},
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created, created_by: 'virtwork image build' }],
    });
    const configDesc = descriptor(MEDIA_TYPES.config, config);
    const manifest = json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: configDesc,
      layers: [layer],
      ...(Object.keys(labels).length ? { annotations: labels } : {}),
    });
    const manifestDesc = descriptor(MEDIA_TYPES.manifest, manifest);
    const index = json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [{ ...manifestDesc, annotations: { 'org.opencontainers.image.ref.name': o.tag } }],
    });
    const file = (name: string, content: Buffer): TarEntry => ({ name, content, mode: 0o644, uid: 0, gid: 0, mtime: o.epoch });
    const dir = (name: string): TarEntry => ({ name, mode: 0o755, uid: 0, gid: 0, mtime: o.epoch });
    const blob = (d: Descriptor) => `blobs/sha256/${d.digest.slice('sha256:'.length)}`;
    const tmp = join(work, 'archive.tar');
    await writeTar(tmp, [
      file('oci-layout', json({ imageLayoutVersion: '1.0.0' })),
      file('index.json', index),
      dir('blobs/'),
      dir('blobs/sha256/'),
      file(blob(configDesc), config),
      file(blob(manifestDesc), manifest),
      { ...file(blob(layer), Buffer.alloc(0)), content: { path: layerPath } },
    ]);
    renameSync(tmp, o.output);
    return { path: o.output, manifest: manifestDesc, layer };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function descriptor(mediaType: string, content: Buffer): Descriptor {
  return { mediaType, digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, size: content.length };
}

/** Canonical JSON: keys sorted at every level, no whitespace. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
