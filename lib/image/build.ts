import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { Environment } from '../config/setting';
import { sha256File } from './_tar';
import { buildBootDisk } from './boot-disk';
import { writeContainerDiskArchive } from './container-disk';
import { DEBIAN_BASE_PACKAGES, InstalledPackage, buildDebianRootfs } from './debian-rootfs';
import { ImageFamily, PackageRequest, workloadPackages } from './packages';
import { checkBuildHost } from './_preflight';

/** Bumped whenever the builder's output changes for the same inputs (it is part of the cache key). */
export const IMAGE_BUILDER_VERSION = 3;
/** Defaults of `virtwork image build`. */
export const IMAGE_DEFAULTS = {
  mirror: 'http://deb.debian.org/debian',
  suite: 'bookworm',
  components: ['main', 'non-free'] as readonly string[],
  sizeMiB: 4096,
  tag: 'latest',
  /** 2025-12-01T00:00:00Z: the timestamp of every file unless SOURCE_DATE_EPOCH says otherwise. */
  epoch: 1764547200,
  kernelArgs: 'console=tty0 console=ttyS0,115200n8',
} as const;

/** Options of {@link buildImage}: what the packages are computed from (only the `debian` family is built here), and the build's own. */
export interface ImageBuildOptions extends PackageRequest {
  /** Debian archive. @default IMAGE_DEFAULTS.mirror */
  readonly mirror?: string;
  /** snapshot.debian.org timestamp (`20261201T000000Z`) pinning the archive; replaces `mirror`. */
  readonly snapshot?: string;
  /** Archive components. @default main, non-free (netperf is in non-free) */
  readonly components?: readonly string[];
  /** Virtual disk size in MiB. @default 4096 */
  readonly sizeMiB?: number;
  /** Tag inside the OCI archive. @default 'latest' */
  readonly tag?: string;
  /** Rebuild even when the cache holds the image. */
  readonly rebuild?: boolean;
  /** Progress lines (the console). */
  readonly progress: (line: string) => void;
}

/** A built (or cached) image. */
export interface BuiltImage {
  /** Cache key (sha256 of the inputs). */
  readonly key: string;
  /** Cache directory holding the outputs. */
  readonly dir: string;
  readonly qcow2: string;
  readonly archive: string;
  readonly manifestFile: string;
  /** Whether it came from the cache. */
  readonly cached: boolean;
  readonly manifest: ImageManifest;
}

/** `manifest.json` of an image: its inputs, every installed package with its version, and the outputs' digests. */
export interface ImageManifest {
  readonly builderVersion: number;
  readonly key: string;
  readonly family: ImageFamily;
  readonly suite: string;
  readonly mirror: string;
  readonly components: readonly string[];
  readonly sourceDateEpoch: number;
  readonly sizeMiB: number;
  readonly basePackages: readonly string[];
  readonly workloadPackages: Readonly<Record<string, readonly string[]>>;
  readonly skippedWorkloads: Readonly<Record<string, string>>;
  readonly disabledUnits: readonly string[];
  readonly installed: readonly InstalledPackage[];
  readonly qcow2: { readonly file: string; readonly sha256: string; readonly bytes: number };
  readonly containerDisk: { readonly file: string; readonly tag: string; readonly manifestDigest: string; readonly bytes: number };
  readonly buildSeconds: number;
}

/** `${XDG_CACHE_HOME:-~/.cache}/virtwork/images`. */
export function imageCacheDir(env: Environment): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'virtwork', 'images');
}

/** Where the `.deb` files an image build downloads stay between builds: `<cache>/debs/<suite>`. */
export function debCacheDir(env: Environment, suite: string = IMAGE_DEFAULTS.suite): string {
  return join(imageCacheDir(env), 'debs', suite);
}

/**
 * `virtwork image build`: computes the package set from the synthesized workloads, then — unless the cache holds an
 * image for exactly these inputs — builds the Debian root file system, the bootable qcow2 and the containerDisk
 * archive in `<cache>/<key>.partial` and renames it into place only when complete.
 */
export async function buildImage(o: ImageBuildOptions): Promise<BuiltImage> {
  if (o.family !== 'debian') {
    throw new VirtworkError(`image build: family ${show(o.family)} cannot be built on this machine; \`virtwork image blueprint --family ${o.family}\` writes the image-builder blueprint and Containerfile to build it with`);
  }
  const started = Date.now();
  const step = (n: number, text: string) => o.progress(`[${n}/5 ${Math.round((Date.now() - started) / 1000)}s] ${text}`);
  step(1, 'computing packages from the synthesized workloads (guest family debian)');
  const wp = workloadPackages({ family: o.family, workloads: o.workloads, flags: o.flags, env: o.env, cwd: o.cwd });
  for (const [name, why] of Object.entries(wp.skipped)) o.progress(`  left out ${name}: ${why}`);
  const epoch = sourceDateEpoch(o.env);
  const inputs = {
    builderVersion: IMAGE_BUILDER_VERSION,
    family: o.family,
    suite: IMAGE_DEFAULTS.suite,
    mirror: o.snapshot ? snapshotMirror(o.snapshot) : (o.mirror ?? IMAGE_DEFAULTS.mirror),
    components: [...(o.components ?? IMAGE_DEFAULTS.components)],
    sourceDateEpoch: epoch,
    sizeMiB: o.sizeMiB ?? IMAGE_DEFAULTS.sizeMiB,
    kernelArgs: IMAGE_DEFAULTS.kernelArgs,
    basePackages: [...DEBIAN_BASE_PACKAGES],
    packages: wp.packages.filter((p) => !DEBIAN_BASE_PACKAGES.includes(p)),
  };
  const key = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  const cache = imageCacheDir(o.env);
  const dir = join(cache, `debian-${inputs.suite}-${key}`);
  const files = { qcow2: join(dir, 'disk.qcow2'), archive: join(dir, 'containerdisk.oci.tar'), manifestFile: join(dir, 'manifest.json') };
  o.progress(`  ${inputs.packages.length} workload packages: ${inputs.packages.join(' ')}`);
  if (!o.rebuild && existsSync(files.manifestFile)) {
    o.progress(`  cached: ${dir}`);
    return { key, dir, ...files, cached: true, manifest: JSON.parse(readFileSync(files.manifestFile, 'utf8')) as ImageManifest };
  }
  checkBuildHost(cache);
  const unlock = lockCache(cache);
  try {
    return await buildInto(o, { key, dir, files, inputs, epoch, cache, wp, started, step });
  } finally {
    unlock();
  }
}

async function buildInto(o: ImageBuildOptions, b: BuildPlan): Promise<BuiltImage> {
  const { key, dir, files, inputs, epoch, cache, wp, started, step } = b;
  const work = `${dir}.partial`;
  removeOwnDir(work);
  mkdirSync(work, { recursive: true });
  const ctx = { log: join(work, 'build.log'), env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8', SOURCE_DATE_EPOCH: String(epoch) } };
  o.progress(`  building in ${work} (log: ${ctx.log})`);
  const rootUuid = uuidFrom(key);
  const root = join(work, 'rootfs');
  const progress = (line: string) => o.progress(`  ${line}`);
  try {
    step(2, 'root file system: debootstrap and apt-get (minutes)');
    const baseKey = createHash('sha256').update(JSON.stringify([IMAGE_BUILDER_VERSION, inputs.suite, inputs.mirror, inputs.components])).digest('hex').slice(0, 16);
    const baseTarball = join(cache, 'base', `debian-${inputs.suite}-${baseKey}.tar`);
    mkdirSync(join(cache, 'base'), { recursive: true });
    const rootfs = await buildDebianRootfs(ctx, { ...inputs, root, debCache: debCacheDir(o.env, inputs.suite), baseTarball, rootUuid, epoch, progress });
    step(3, 'bootable disk');
    const qcow2 = join(work, 'disk.qcow2');
    await buildBootDisk(ctx, { root, work, output: qcow2, sizeMiB: inputs.sizeMiB, rootUuid, epoch, kernelArgs: inputs.kernelArgs, progress });
    rmSync(root, { recursive: true, force: true });
    step(4, 'containerDisk OCI archive');
    const tag = o.tag ?? IMAGE_DEFAULTS.tag;
    const labels = { 'org.opencontainers.image.title': 'virtwork golden containerDisk', 'io.virtwork.image.key': key, 'io.virtwork.image.family': o.family };
    const archive = await writeContainerDiskArchive({ qcow2, output: join(work, 'containerdisk.oci.tar'), tag, epoch, labels });
    step(5, 'manifest');
    const manifest: ImageManifest = {
      builderVersion: IMAGE_BUILDER_VERSION, key, family: o.family, suite: inputs.suite, mirror: inputs.mirror, components: inputs.components,
      sourceDateEpoch: epoch, sizeMiB: inputs.sizeMiB, basePackages: inputs.basePackages, workloadPackages: wp.byWorkload,
      skippedWorkloads: wp.skipped, disabledUnits: rootfs.disabledUnits, installed: rootfs.installed,
      qcow2: { file: 'disk.qcow2', sha256: await sha256File(qcow2), bytes: statSync(qcow2).size },
      containerDisk: { file: 'containerdisk.oci.tar', tag, manifestDigest: archive.manifest.digest, bytes: statSync(archive.path).size },
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    writeFileSync(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    removeOwnDir(dir);
    renameSync(work, dir);
    o.progress(`built ${files.qcow2} and ${files.archive} in ${manifest.buildSeconds}s`);
    return { key, dir, ...files, cached: false, manifest };
  } catch (err) {
    if (!mountsUnder(work).length) rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

interface BuildPlan {
  readonly key: string;
  readonly dir: string;
  readonly files: { qcow2: string; archive: string; manifestFile: string };
  readonly inputs: { suite: string; mirror: string; components: string[]; sizeMiB: number; kernelArgs: string; basePackages: string[]; packages: string[] };
  readonly epoch: number;
  readonly cache: string;
  readonly wp: ReturnType<typeof workloadPackages>;
  readonly started: number;
  readonly step: (n: number, text: string) => void;
}

/** Takes the cache's build lock (one build at a time shares the .deb cache and apt's lock); a dead holder's lock is taken over. */
function lockCache(cache: string): () => void {
  const lock = join(cache, '.build.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder && isAlive(holder)) throw new VirtworkError(`image build: another build (pid ${holder}) is using ${cache}; wait for it or stop it`);
      rmSync(lock, { force: true });
    }
  }
  throw new VirtworkError(`image build: cannot take the lock ${lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SOURCE_DATE_EPOCH when set (a non-negative integer), else the fixed default. */
export function sourceDateEpoch(env: Environment): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return IMAGE_DEFAULTS.epoch;
  if (!/^[0-9]{1,12}$/.test(raw)) throw new VirtworkError(`SOURCE_DATE_EPOCH: must be seconds since 1970 (digits), got ${show(raw)}`);
  return Number(raw);
}

/** The snapshot.debian.org URL of a timestamp `YYYYMMDDTHHMMSSZ`. */
export function snapshotMirror(snapshot: string): string {
  if (!/^[0-9]{8}T[0-9]{6}Z$/.test(snapshot)) {
    throw new VirtworkError(`--snapshot: must be a snapshot.debian.org timestamp like 20261201T000000Z, got ${show(snapshot)}`);
  }
  return `http://snapshot.debian.org/archive/debian/${snapshot}/`;
}

/** A UUID made from the cache key, so the same inputs give the same file system UUID. */
export function uuidFrom(key: string): string {
  const h = createHash('sha256').update(`virtwork-root:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Mount points at or below `dir` (a build interrupted before unmounting leaves some). */
function mountsUnder(dir: string): string[] {
  const base = resolve(dir);
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && (m === base || m.startsWith(`${base}/`)));
}

/** Removes a build directory of ours, refusing while anything is mounted below it (a bind mount of /dev, say). */
function removeOwnDir(dir: string): void {
  if (!existsSync(dir)) return;
  const mounts = mountsUnder(dir);
  if (mounts.length) throw new VirtworkError(`image build: ${dir} still has mounts (${mounts.join(', ')}); unmount them (umount -l) and retry`);
  rmSync(dir, { recursive: true, force: true });
}
