import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync, unlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ExecContext, exec } from './_exec';

/** Packages every Debian golden image holds besides the workloads' own: boot, init, cloud-init and the guest agent. */
export const DEBIAN_BASE_PACKAGES: readonly string[] = [
  'linux-image-cloud-amd64', 'initramfs-tools', 'grub-pc-bin', 'grub-common',
  'systemd-sysv', 'udev', 'dbus', 'kmod', 'e2fsprogs', 'cloud-guest-utils',
  'cloud-init', 'qemu-guest-agent', 'ifupdown', 'isc-dhcp-client', 'iproute2', 'netbase',
  'openssh-server', 'sudo', 'ca-certificates',
];

/** The Debian archive an image is built from. */
export interface DebianSource {
  /** Archive URL (`http://deb.debian.org/debian`, or a snapshot.debian.org URL to pin a date). */
  readonly mirror: string;
  /** Suite. */
  readonly suite: string;
  /** Archive components (`main`, plus `non-free` for netperf). */
  readonly components: readonly string[];
}

/** Inputs of the root file system. */
export interface RootfsOptions extends DebianSource {
  /** Directory to create the root file system in (must not exist). */
  readonly root: string;
  /** Packages of the image itself (boot, init, cloud-init, agent), installed first. */
  readonly basePackages: readonly string[];
  /** The workloads' packages, installed second; the services they enable are disabled again. */
  readonly packages: readonly string[];
  /** Directory keeping downloaded .deb files between builds. */
  readonly debCache: string;
  /** Tarball of the debootstrap result (made once per archive and suite, then unpacked instead of re-running debootstrap). */
  readonly baseTarball: string;
  /** UUID of the root file system (written to fstab and the boot configuration). */
  readonly rootUuid: string;
  /** Every file's modification time is clamped to this (SOURCE_DATE_EPOCH). */
  readonly epoch: number;
  /** Reports a step on the console. */
  readonly progress: (line: string) => void;
}

/** A package installed in the image, for the manifest. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
}

/** What the root file system holds. */
export interface RootfsResult {
  /** Every installed package with its version. */
  readonly installed: readonly InstalledPackage[];
  /** Services the workload packages enabled at install, disabled in the image (each workload starts what it uses). */
  readonly disabledUnits: readonly string[];
}

/**
 * Builds a Debian root file system: debootstrap (minbase, with systemd as init) then `apt-get install` of
 * `packages` in a chroot with services kept from starting, then configuration for a KubeVirt guest (NoCloud and
 * ConfigDrive only, fstab by UUID, empty machine-id, no SSH host keys, no apt lists or logs) and every mtime clamped
 * to `epoch`. Returns the installed packages and versions.
 */
export async function buildDebianRootfs(ctx: ExecContext, o: RootfsOptions): Promise<RootfsResult> {
  mkdirSync(o.debCache, { recursive: true });
  const chroot = (step: string, argv: string[]) => exec(ctx, step, ['chroot', o.root, ...argv]);
  if (existsSync(o.baseTarball)) {
    o.progress(`minimal system from ${o.baseTarball}`);
    mkdirSync(o.root, { recursive: true });
    await exec(ctx, 'unpack the minimal system', ['tar', '-xpf', o.baseTarball, '--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', o.root]);
  } else {
    o.progress(`debootstrap ${o.suite} from ${o.mirror}`);
    await exec(ctx, 'debootstrap', [
      'debootstrap', '--variant=minbase', `--components=${o.components.join(',')}`, `--cache-dir=${o.debCache}`,
      '--include=systemd-sysv', o.suite, o.root, o.mirror,
    ]);
    const partial = `${o.baseTarball}.partial`;
    await exec(ctx, 'keep the minimal system', ['tar', '-cpf', partial, '--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', o.root, '.']);
    renameSync(partial, o.baseTarball);
  }
  writeFileSync(join(o.root, 'etc/apt/sources.list'), `deb ${o.mirror} ${o.suite} ${o.components.join(' ')}\n`);
  writeFileSync(join(o.root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\n# virtwork image build: no service starts in the chroot\nexit 101\n', { mode: 0o755 });
  const mounts = await mountApi(ctx, o.root, o.debCache);
  let disabled: string[] = [];
  try {
    await chroot('apt-get update', ['apt-get', 'update']);
    o.progress(`apt-get install: ${o.basePackages.length} base packages`);
    await chroot('apt-get install (base)', ['apt-get', 'install', '-y', '--no-install-recommends', ...o.basePackages]);
    const before = enabledUnits(o.root);
    const beforeSysv = sysvServices(o.root);
    o.progress(`apt-get install: ${o.packages.length} workload packages`);
    if (o.packages.length) await chroot('apt-get install (workloads)', ['apt-get', 'install', '-y', '--no-install-recommends', ...o.packages]);
    const units = enabledUnits(o.root).filter((u) => !before.includes(u));
    const sysv = sysvServices(o.root).filter((n) => !beforeSysv.includes(n));
    disabled = [...units, ...sysv.map((n) => `${n}.service`)].sort();
    if (disabled.length) o.progress(`disabling services the workload packages enabled: ${disabled.join(', ')}`);
    if (units.length) await exec(ctx, 'systemctl disable', ['systemctl', `--root=${o.root}`, 'disable', ...units]);
    // a SysV-only service (Debian's netperf) has no unit to disable: its start links in /etc/rc[2-5].d become stop links
    for (const name of sysv) await chroot(`update-rc.d ${name} disable`, ['update-rc.d', name, 'disable']);
    // no `apt-get clean`: /var/cache/apt/archives is the bind-mounted .deb cache, which it would empty (the next build
    // downloads everything again); the image's own /var/cache/apt is emptied by configure() once it is unmounted
  } finally {
    await unmountAll(ctx, mounts);
  }
  o.progress('configuring the guest');
  configure(o);
  const list = await exec(ctx, 'dpkg-query', ['chroot', o.root, 'dpkg-query', '-W', '-f', '${Package}\\t${Version}\\t${Architecture}\\n'], { capture: true });
  await exec(ctx, 'clamp mtimes', ['find', o.root, '-xdev', '-newermt', `@${o.epoch}`, '-exec', 'touch', '--no-dereference', '--date', `@${o.epoch}`, '{}', '+']);
  const installed = list.trim().split('\n').map((l) => l.split('\t')).map(([name, version, architecture]) => ({ name, version, architecture }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { installed, disabledUnits: disabled };
}

/** Units enabled in `root`: the symlinks in `/etc/systemd/system/*.wants/`, sorted. */
function enabledUnits(root: string): string[] {
  const dir = join(root, 'etc/systemd/system');
  const units = new Set<string>();
  for (const d of readdirSync(dir).filter((n) => n.endsWith('.wants'))) {
    for (const u of readdirSync(join(dir, d))) units.add(u);
  }
  return [...units].sort();
}

/**
 * SysV services started in runlevels 2–5 (an `/etc/rc[2-5].d/S<nn><name>` link) that have no native unit of the same
 * name, sorted: at boot systemd's SysV generator makes each a `<name>.service` and starts it.
 */
export function sysvServices(root: string): string[] {
  const names = new Set<string>();
  for (const level of [2, 3, 4, 5]) {
    const dir = join(root, `etc/rc${level}.d`);
    if (!existsSync(dir)) continue;
    for (const link of readdirSync(dir)) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (m) names.add(m[1]);
    }
  }
  const native = (name: string) => ['usr/lib/systemd/system', 'lib/systemd/system', 'etc/systemd/system'].some((d) => existsSync(join(root, d, `${name}.service`)));
  return [...names].filter((n) => !native(n)).sort();
}

async function mountApi(ctx: ExecContext, root: string, debCache: string): Promise<string[]> {
  const mounted: string[] = [];
  const binds: Array<[string, string]> = [['/proc', 'proc'], ['/sys', 'sys'], ['/dev', 'dev'], ['/dev/pts', 'dev/pts'], [debCache, 'var/cache/apt/archives']];
  try {
    for (const [src, rel] of binds) {
      const target = join(root, rel);
      mkdirSync(target, { recursive: true });
      await exec(ctx, `mount ${rel}`, ['mount', '--bind', src, target]);
      mounted.unshift(target);
    }
  } catch (err) {
    await unmountAll(ctx, mounted);
    throw err;
  }
  return mounted;
}

async function unmountAll(ctx: ExecContext, targets: readonly string[]): Promise<void> {
  for (const t of targets) await exec(ctx, `umount ${t}`, ['umount', '--lazy', t]);
}

function configure(o: RootfsOptions): void {
  const at = (rel: string) => join(o.root, rel);
  unlinkSync(at('usr/sbin/policy-rc.d'));
  writeFileSync(at('etc/fstab'), `UUID=${o.rootUuid} / ext4 errors=remount-ro 0 1\n`);
  writeFileSync(at('etc/hostname'), 'localhost\n');
  writeFileSync(at('etc/cloud/cloud.cfg.d/90-virtwork-datasources.cfg'),
    '# virtwork golden image: KubeVirt gives cloud-init a NoCloud or ConfigDrive disk; do not probe the others\n' +
    'datasource_list: [ NoCloud, ConfigDrive, None ]\n' +
    '# the image has no locales package: C.UTF-8 is built into the C library (cloud-init\'s en_US.UTF-8 would fail)\n' +
    'locale: C.UTF-8\n');
  writeFileSync(at('etc/network/interfaces'), 'source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\n');
  // one machine-id per VM: systemd creates it at first boot when the file is empty
  truncateSync(at('etc/machine-id'));
  rmSync(at('var/lib/dbus/machine-id'), { force: true });
  for (const f of readdirSync(at('etc/ssh')).filter((n) => n.startsWith('ssh_host_'))) rmSync(at(`etc/ssh/${f}`));
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'tmp', 'var/tmp']) emptyDir(at(dir));
  for (const dir of ['var/lib/apt/lists/partial', 'var/cache/apt/archives/partial']) mkdirSync(at(dir), { recursive: true });
  truncateLogs(at('var/log'));
  rmSync(at('debootstrap'), { recursive: true, force: true });
}

/** Empties every log file but keeps the directories (packages own them, with their owners and modes). */
function truncateLogs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) truncateLogs(path);
    else if (entry.isFile()) truncateSync(path);
  }
}

function emptyDir(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}
