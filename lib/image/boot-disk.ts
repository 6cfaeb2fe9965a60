import { mkdirSync, readdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExecContext, exec } from './_exec';

/** Where the root partition starts: 1 MiB, leaving sectors 1..2047 for GRUB's core image. */
export const ROOT_PARTITION_OFFSET = 1024 * 1024;
const SECTOR = 512;

/** Inputs of the bootable disk. */
export interface BootDiskOptions {
  /** The root file system directory (a Debian tree with grub-pc-bin and a kernel). */
  readonly root: string;
  /** Scratch directory for the raw images. */
  readonly work: string;
  /** The qcow2 to write. */
  readonly output: string;
  /** Virtual size of the disk in MiB. */
  readonly sizeMiB: number;
  /** UUID of the root file system (also its hash seed, so the file system is reproducible). */
  readonly rootUuid: string;
  /** Timestamp written into the file system (SOURCE_DATE_EPOCH). */
  readonly epoch: number;
  /** Kernel command line after `root=… ro`. */
  readonly kernelArgs: string;
  readonly progress: (line: string) => void;
}

/**
 * Makes a BIOS-bootable disk without loop devices or mounts: an MBR partition table with one ext4 partition
 * filled from `root` by `mkfs.ext4 -d`, GRUB's boot.img in the MBR and a core image (made by the image's own
 * `grub-mkimage`, finding the root file system by UUID) in the gap before the partition, then `qemu-img convert`.
 * KubeVirt boots containerDisks with SeaBIOS by default, which this serves.
 */
export async function buildBootDisk(ctx: ExecContext, o: BootDiskOptions): Promise<void> {
  const raw = join(o.work, 'disk.raw');
  const fs = join(o.work, 'root.ext4');
  const partMiB = o.sizeMiB - 1;
  o.progress('installing GRUB (BIOS) and its configuration');
  installGrubFiles(o);
  const core = join(o.root, 'tmp/virtwork-core.img');
  writeFileSync(join(o.root, 'tmp/virtwork-early.cfg'), `search --no-floppy --fs-uuid --set=root ${o.rootUuid}\nset prefix=($root)/boot/grub\n`);
  await exec(ctx, 'grub-mkimage', [
    'chroot', o.root, 'grub-mkimage', '-O', 'i386-pc', '-o', '/tmp/virtwork-core.img', '-c', '/tmp/virtwork-early.cfg', '-p', '/boot/grub',
    'biosdisk', 'part_msdos', 'ext2', 'search', 'search_fs_uuid', 'normal', 'linux', 'configfile', 'echo', 'test',
  ]);
  copyFileSync(core, join(o.work, 'core.img'));
  copyFileSync(join(o.root, 'usr/lib/grub/i386-pc/boot.img'), join(o.work, 'boot.img'));
  rmSync(core);
  rmSync(join(o.root, 'tmp/virtwork-early.cfg'));
  o.progress(`making the ext4 root file system (${partMiB} MiB) from the tree`);
  const fakeTime = { E2FSPROGS_FAKE_TIME: String(o.epoch), SOURCE_DATE_EPOCH: String(o.epoch) };
  await exec({ ...ctx, env: { ...ctx.env, ...fakeTime } }, 'mkfs.ext4', [
    'mkfs.ext4', '-q', '-F', '-L', 'virtwork-root', '-U', o.rootUuid, '-E', `hash_seed=${o.rootUuid},lazy_itable_init=0`,
    '-d', o.root, fs, `${partMiB}M`,
  ]);
  await exec(ctx, 'truncate', ['truncate', '-s', `${o.sizeMiB}M`, raw]);
  await exec(ctx, 'sfdisk', ['sfdisk', '--no-reread', '--no-tell-kernel', raw], {
    input: `label: dos\nlabel-id: 0x76697274\nunit: sectors\nstart=${ROOT_PARTITION_OFFSET / SECTOR}, type=83, bootable\n`,
  });
  const dd = (step: string, args: string[]) => exec(ctx, step, ['dd', 'conv=notrunc,sparse', 'status=none', ...args]);
  await dd('copy the file system', [`if=${fs}`, `of=${raw}`, 'bs=1M', `seek=${ROOT_PARTITION_OFFSET / (1024 * 1024)}`]);
  // boot.img's first 440 bytes (the partition table after them stays); its kernel sector defaults to 1
  await dd('write boot.img', [`if=${join(o.work, 'boot.img')}`, `of=${raw}`, 'bs=440', 'count=1']);
  await dd('write core.img', [`if=${join(o.work, 'core.img')}`, `of=${raw}`, `bs=${SECTOR}`, 'seek=1']);
  rmSync(fs);
  o.progress('converting to qcow2');
  await exec(ctx, 'qemu-img convert', ['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, o.output]);
  rmSync(raw);
}

/** GRUB's modules into `/boot/grub/i386-pc` and a fixed `grub.cfg` booting `/vmlinuz` (Debian keeps the link current). */
function installGrubFiles(o: BootDiskOptions): void {
  const from = join(o.root, 'usr/lib/grub/i386-pc');
  const to = join(o.root, 'boot/grub/i386-pc');
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => /\.(mod|lst|img)$/.test(n))) copyFileSync(join(from, f), join(to, f));
  writeFileSync(join(o.root, 'boot/grub/grub.cfg'), [
    '# virtwork golden image',
    'set timeout=0',
    'set default=0',
    "menuentry 'Debian GNU/Linux (virtwork)' {",
    `  search --no-floppy --fs-uuid --set=root ${o.rootUuid}`,
    `  linux /vmlinuz root=UUID=${o.rootUuid} ro ${o.kernelArgs}`,
    '  initrd /initrd.img',
    '}',
    '',
  ].join('\n'));
}
