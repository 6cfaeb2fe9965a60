import { mkdirSync, statfsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { VirtworkError } from '../core/errors';

/** Free space a Debian image build needs in the cache: the tree, the raw disk while converting, qcow2 and archive. */
export const BUILD_SPACE_BYTES = 8 * 1024 ** 3;
/** Host tools the build runs, with the Debian package that has each. */
export const BUILD_TOOLS: Readonly<Record<string, string>> = {
  debootstrap: 'debootstrap', chroot: 'coreutils', 'mkfs.ext4': 'e2fsprogs', sfdisk: 'fdisk', 'qemu-img': 'qemu-utils', mount: 'mount',
};

/** Fails with one line per problem unless this host can build: root, every tool on PATH, enough free space. */
export function checkBuildHost(cache: string, env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('must run as root (debootstrap, chroot and bind mounts need it): run it with sudo');
  for (const [tool, pkg] of Object.entries(BUILD_TOOLS)) {
    if (!onPath(tool, env.PATH ?? '')) problems.push(`${tool} not found on PATH: install the Debian package ${pkg} (apt-get install ${pkg})`);
  }
  mkdirSync(cache, { recursive: true });
  const fs = statfsSync(cache);
  const free = fs.bavail * fs.bsize;
  if (free < BUILD_SPACE_BYTES) {
    problems.push(`not enough space in ${cache}: ${(free / 1024 ** 3).toFixed(1)} GiB free, ${BUILD_SPACE_BYTES / 1024 ** 3} GiB needed (set XDG_CACHE_HOME to a larger file system)`);
  }
  if (problems.length) throw new VirtworkError(`image build: cannot build here:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

function onPath(tool: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
