import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** One member of a tar file, read from its ustar header (content not loaded). */
export interface TarMember {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'other';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly size: number;
  /** Byte offset of the content in the file. */
  readonly offset: number;
}

/** Lists a ustar/pax-free tar file's members (a test-side reader, independent of the writer in lib/image/_tar.ts). */
export function listTar(path: string, base = 0, length = statSync(path).size): TarMember[] {
  const fd = openSync(path, 'r');
  try {
    const members: TarMember[] = [];
    const h = Buffer.alloc(512);
    let pos = base;
    while (pos + 512 <= base + length) {
      readSync(fd, h, 0, 512, pos);
      if (h.every((b) => b === 0)) break;
      const str = (o: number, n: number) => h.subarray(o, o + n).toString('utf8').replace(/\0.*$/s, '');
      const num = (o: number, n: number) => parseInt(str(o, n).trim() || '0', 8);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
      if (sum !== num(148, 8)) throw new Error(`${path}: bad tar header checksum at ${pos}`);
      const flag = str(156, 1);
      const size = num(124, 12);
      members.push({
        name: str(0, 100), type: flag === '5' ? 'dir' : flag === '0' || flag === '' ? 'file' : 'other',
        mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12), size, offset: pos + 512,
      });
      pos += 512 + Math.ceil(size / 512) * 512;
    }
    return members;
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `offset`. */
export function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(length);
    readSync(fd, b, 0, length, offset);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** sha256 of a byte range of a file, streamed in 1 MiB reads. */
export function sha256Range(path: string, offset: number, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const b = Buffer.alloc(1 << 20);
    for (let done = 0; done < length;) {
      const n = readSync(fd, b, 0, Math.min(b.length, length - done), offset + done);
      hash.update(b.subarray(0, n));
      done += n;
    }
    return `sha256:${hash.digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

/** What {@link checkOciArchive} found. */
export interface OciArchiveCheck {
  readonly refName: string;
  readonly manifest: Record<string, any>;
  readonly config: Record<string, any>;
  /** Members of the (single) layer. */
  readonly layer: TarMember[];
}

/**
 * Verifies an OCI image layout in a tar archive: oci-layout version, index → manifest → config and layers, every
 * descriptor's size and sha256 against its blob, and config.rootfs.diff_ids against the (uncompressed) layers.
 * Throws naming the first mismatch.
 */
export function checkOciArchive(path: string): OciArchiveCheck {
  const members = new Map(listTar(path).map((m) => [m.name, m]));
  const text = (name: string) => {
    const m = members.get(name);
    if (!m) throw new Error(`${path}: no ${name}`);
    return readAt(path, m.offset, m.size).toString('utf8');
  };
  const layout = JSON.parse(text('oci-layout'));
  if (layout.imageLayoutVersion !== '1.0.0') throw new Error(`oci-layout: imageLayoutVersion ${layout.imageLayoutVersion}`);
  const blob = (d: { digest: string; size: number; mediaType: string }) => {
    const name = `blobs/${d.digest.replace(':', '/')}`;
    const m = members.get(name);
    if (!m) throw new Error(`${path}: descriptor ${d.digest} has no blob ${name}`);
    if (m.size !== d.size) throw new Error(`${name}: size ${m.size}, descriptor says ${d.size}`);
    const digest = sha256Range(path, m.offset, m.size);
    if (digest !== d.digest) throw new Error(`${name}: content digest ${digest}, descriptor says ${d.digest}`);
    return m;
  };
  const index = JSON.parse(text('index.json'));
  if (index.schemaVersion !== 2 || index.manifests?.length !== 1) throw new Error('index.json: want schemaVersion 2 and one manifest');
  const md = index.manifests[0];
  if (md.mediaType !== 'application/vnd.oci.image.manifest.v1+json') throw new Error(`index.json: manifest media type ${md.mediaType}`);
  const mm = blob(md);
  const manifest = JSON.parse(readAt(path, mm.offset, mm.size).toString('utf8'));
  const cm = blob(manifest.config);
  const config = JSON.parse(readAt(path, cm.offset, cm.size).toString('utf8'));
  if (manifest.layers.length !== 1) throw new Error(`manifest: ${manifest.layers.length} layers, want 1`);
  const lm = blob(manifest.layers[0]);
  if (config.rootfs?.diff_ids?.[0] !== manifest.layers[0].digest) throw new Error('config: rootfs.diff_ids[0] is not the (uncompressed) layer digest');
  return { refName: md.annotations?.['org.opencontainers.image.ref.name'], manifest, config, layer: listTar(path, lm.offset, lm.size) };
}
