import { createHash, Hash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, WriteStream } from 'node:fs';
import { once } from 'node:events';

/** One entry of a ustar archive: a directory, or a file whose content is a Buffer or a path to stream from. */
export interface TarEntry {
  /** Path inside the archive (directories end with `/`), at most 100 bytes. */
  readonly name: string;
  /** File content, or the path of a file to copy; undefined for a directory. */
  readonly content?: Buffer | { readonly path: string };
  /** Permission bits. */
  readonly mode: number;
  /** Owner and group ids. */
  readonly uid: number;
  readonly gid: number;
  /** Modification time, seconds since the epoch (fixed for reproducible archives). */
  readonly mtime: number;
}

/** What was written: size and sha256 of the whole archive. */
export interface TarResult {
  readonly size: number;
  readonly sha256: string;
}

const BLOCK = 512;
/** ustar's octal size field holds 11 digits. */
export const MAX_TAR_FILE_BYTES = 8 ** 11 - 1;

/**
 * Writes `entries` as a POSIX ustar archive to `path`, deterministically (no user names, fixed times, entries
 * in the order given), returning its size and sha256. Large file contents are streamed, never read whole.
 */
export async function writeTar(path: string, entries: readonly TarEntry[]): Promise<TarResult> {
  const out = createWriteStream(path, { flags: 'wx' });
  const hash = createHash('sha256');
  let size = 0;
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    for (const e of entries) {
      const length = e.content === undefined ? 0 : Buffer.isBuffer(e.content) ? e.content.length : statSync(e.content.path).size;
      await write(_header(e, length));
      if (e.content === undefined) continue;
      if (Buffer.isBuffer(e.content)) await write(e.content);
      else await _copy(e.content.path, write);
      const pad = (BLOCK - (length % BLOCK)) % BLOCK;
      if (pad) await write(Buffer.alloc(pad));
    }
    await write(Buffer.alloc(2 * BLOCK));
  } finally {
    await _close(out);
  }
  return { size, sha256: hash.digest('hex') };
}

async function _copy(path: string, write: (chunk: Buffer) => Promise<void>): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) await write(chunk as Buffer);
}

function _close(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** The 512-byte ustar header of `e` with content `length` bytes long. */
export function _header(e: TarEntry, length: number): Buffer {
  const isDir = e.content === undefined;
  if (Buffer.byteLength(e.name) > 100) throw new Error(`tar: entry name over 100 bytes: ${e.name}`);
  if (isDir !== e.name.endsWith('/')) throw new Error(`tar: ${e.name}: directories, and only they, end with "/"`);
  if (length > MAX_TAR_FILE_BYTES) throw new Error(`tar: ${e.name} is ${length} bytes, over ustar's ${MAX_TAR_FILE_BYTES}`);
  const h = Buffer.alloc(BLOCK);
  const field = (offset: number, width: number, value: string) => h.write(value, offset, width, 'utf8');
  const octal = (offset: number, width: number, value: number) => field(offset, width, value.toString(8).padStart(width - 1, '0') + '\0');
  field(0, 100, e.name);
  octal(100, 8, e.mode);
  octal(108, 8, e.uid);
  octal(116, 8, e.gid);
  octal(124, 12, length);
  octal(136, 12, e.mtime);
  field(148, 8, ' '.repeat(8));
  field(156, 1, isDir ? '5' : '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash: Hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
