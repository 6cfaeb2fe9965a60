import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync, writeFileSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { join } from 'node:path';

/**
 * A flat apt repository on 127.0.0.1, served from the image builder's `.deb` cache: the tier's stand-in for the
 * Debian mirror a guest without the golden image installs from (the guests have no network to the outside). A guest
 * reaches it at `http://<MIRROR_ADDRESS>/` through a qemu guestfwd (see `guestForward`).
 */
export interface AptMirror {
  /** Host port on 127.0.0.1. */
  readonly port: number;
  /** Package names the repository holds. */
  readonly packages: ReadonlySet<string>;
  /** What the guests fetched: requests and bytes of `.deb` files. */
  readonly served: { requests: number; debs: number; bytes: number };
  close(): Promise<void>;
}

/** The address guests reach the mirror at (inside slirp's 10.0.2.0/24, where nothing else listens). */
export const MIRROR_ADDRESS = '10.0.2.100';

/** The apt source line of the mirror (a flat repository; its Release is unsigned, hence trusted=yes). */
export const MIRROR_SOURCE = `deb [trusted=yes] http://${MIRROR_ADDRESS}/ ./`;

/** Indexes `debDir` (dpkg-scanpackages) and serves it with a Release that lists the index's SHA256. */
export async function startAptMirror(debDir: string): Promise<AptMirror> {
  const index = execFileSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: debDir, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const packages = new Set([...index.toString('utf8').matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
  const release = Buffer.from([
    'Origin: virtwork guest tier', 'Label: virtwork guest tier', 'Date: Mon, 01 Dec 2025 00:00:00 UTC',
    'SHA256:', ` ${createHash('sha256').update(index).digest('hex')} ${index.length} Packages`, '',
  ].join('\n'));
  const debs = new Set(readdirSync(debDir).filter((f) => f.endsWith('.deb')));
  const served = { requests: 0, debs: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    served.requests++;
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+(\.\/)?/, '');
    const fixed: Record<string, Buffer> = { Packages: index, Release: release };
    if (fixed[name]) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': fixed[name].length });
      res.end(req.method === 'HEAD' ? undefined : fixed[name]);
      return;
    }
    if (!debs.has(name)) { // only the cache's own .deb files: no path ever leaves debDir
      res.writeHead(404).end();
      return;
    }
    const file = join(debDir, name);
    const size = statSync(file).size;
    res.writeHead(200, { 'content-type': 'application/vnd.debian.binary-package', 'content-length': size });
    if (req.method === 'HEAD') return void res.end();
    served.debs++;
    served.bytes += size;
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, packages, served, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A qemu `guestfwd` that joins a guest's connections to `MIRROR_ADDRESS:80` to the mirror on 127.0.0.1: qemu starts
 * the forwarder (a node script written to `dir`) for each connection, wired to its stdin and stdout.
 */
export function guestForward(dir: string, mirror: AptMirror): string {
  const script = join(dir, 'mirror-forward.cjs');
  writeFileSync(script, [
    "const s = require('node:net').connect(Number(process.argv[2]), '127.0.0.1');",
    'process.stdin.pipe(s);',
    's.pipe(process.stdout);',
    "s.on('error', () => process.exit(1));",
    '',
  ].join('\n'));
  if (/[,\s]/.test(script) || /[,\s]/.test(process.execPath)) throw new Error(`guestfwd cannot take a path with commas or spaces: ${script}`);
  return `tcp:${MIRROR_ADDRESS}:80-cmd:${process.execPath} ${script} ${mirror.port}`;
}
