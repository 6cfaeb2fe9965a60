import { Command, Option } from 'commander';
import { chmodSync, copyFileSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { blueprintFiles } from '../image/blueprint';
import { IMAGE_DEFAULTS, buildImage } from '../image/build';
import { IMAGE_FAMILIES, ImageFamily, workloadPackages } from '../image/packages';
import { parseQuantity } from '../core/quantity';
import { CliContext } from './_context';

/** `virtwork image`: golden containerDisk images with every selected workload's packages pre-installed. */
export function imageCommand(ctx: CliContext): Command {
  const image = new Command('image').description('Golden containerDisk images: every selected workload\'s packages pre-installed');
  image.addCommand(common(new Command('build'))
    .description('Build a Debian golden image (qcow2 + containerDisk OCI archive) with debootstrap; needs root')
    .addOption(new Option('--mirror <url>', `Debian archive (default: ${IMAGE_DEFAULTS.mirror})`))
    .addOption(new Option('--snapshot <timestamp>', 'pin the archive to a snapshot.debian.org timestamp, e.g. 20261201T000000Z'))
    .addOption(new Option('--components <list>', `archive components, comma-separated (default: ${IMAGE_DEFAULTS.components.join(',')}; netperf is in non-free)`))
    .addOption(new Option('--disk-size <quantity>', `virtual size of the disk (default: ${IMAGE_DEFAULTS.sizeMiB / 1024}Gi)`))
    .addOption(new Option('--tag <tag>', `tag inside the OCI archive (default: ${IMAGE_DEFAULTS.tag})`))
    .addOption(new Option('-o, --output <dir>', 'also place disk.qcow2, containerdisk.oci.tar and manifest.json here (hard links when possible)'))
    .addOption(new Option('--rebuild', 'build even when the cache holds an image for these inputs'))
    .addHelpText('after', `
The package set is computed by synthesizing the selected workloads (default: all that serve the family) with
guest-family debian and reading the packages of their cloud-init user-data. Outputs are cached by their inputs in
\${XDG_CACHE_HOME:-~/.cache}/virtwork/images/<family>-<suite>-<key>/. SOURCE_DATE_EPOCH sets every timestamp.

Examples:
  $ sudo virtwork image build --family debian
  $ sudo virtwork image build --family debian --workloads cpu,disk,database -o out/
  $ sudo SOURCE_DATE_EPOCH=1764547200 virtwork image build --family debian --snapshot 20261201T000000Z
  $ skopeo copy oci-archive:out/containerdisk.oci.tar:latest docker://registry.example.com/virtwork-disk:debian`)
    .action(async (opts: Record<string, unknown>) => {
      const built = await buildImage({
        family: family(opts.family),
        workloads: list(opts.workloads),
        flags: pick(opts, ['config', 'catalogDir']),
        env: ctx.env,
        cwd: ctx.cwd,
        mirror: opts.mirror as string | undefined,
        snapshot: opts.snapshot as string | undefined,
        components: list(opts.components),
        sizeMiB: opts.diskSize === undefined ? undefined : diskMiB(String(opts.diskSize)),
        tag: opts.tag as string | undefined,
        rebuild: opts.rebuild === true,
        progress: (line) => ctx.err(`${line}\n`),
      });
      const outputs = [built.qcow2, built.archive, built.manifestFile];
      if (opts.output !== undefined) {
        const dir = resolve(ctx.cwd, String(opts.output));
        mkdirSync(dir, { recursive: true });
        for (const f of outputs) place(f, join(dir, f.split('/').pop()!));
      }
      ctx.out(`${JSON.stringify({ key: built.key, cached: built.cached, dir: built.dir, qcow2: built.qcow2, archive: built.archive, manifest: built.manifestFile, digest: built.manifest.containerDisk.manifestDigest }, null, 2)}\n`);
    }));
  image.addCommand(common(new Command('blueprint'))
    .description('Write the image-builder blueprint, Containerfile and build.sh of a Fedora / CentOS Stream golden image')
    .requiredOption('-o, --output <dir>', 'directory to write blueprint.toml, Containerfile and build.sh to')
    .addHelpText('after', `
Examples:
  $ virtwork image blueprint --family fedora -o golden/ && sudo golden/build.sh
  $ virtwork image blueprint --family centos-stream --workloads cpu,database -o golden/`)
    .action((opts: Record<string, unknown>) => {
      const f = family(opts.family);
      if (f === 'debian') throw new VirtworkError('image blueprint: --family debian is built directly: use `virtwork image build --family debian`');
      const wp = workloadPackages({ family: f, workloads: list(opts.workloads), flags: pick(opts, ['config', 'catalogDir']), env: ctx.env, cwd: ctx.cwd });
      const dir = resolve(ctx.cwd, String(opts.output));
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of blueprintFiles(f, wp.packages)) {
        writeFileSync(join(dir, name), content);
        if (name.endsWith('.sh')) chmodSync(join(dir, name), 0o755);
      }
      for (const [name, why] of Object.entries(wp.skipped)) ctx.err(`left out ${name}: ${why}\n`);
      ctx.out(`wrote blueprint.toml, Containerfile and build.sh to ${dir}/ (${wp.packages.length} workload packages)\n`);
    }));
  return image;
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--family <family>', `guest OS family: ${IMAGE_FAMILIES.join(', ')}`)
    .addOption(new Option('-w, --workloads <names>', 'workloads (built-ins and catalog entries) to serve, comma-separated (default: every workload that serves the family)'))
    .addOption(new Option('-c, --config <file>', 'configuration file (its catalog directory and workload settings are used)'))
    .addOption(new Option('--catalog-dir <dir>', 'directory of catalog workloads'));
}

function family(value: unknown): ImageFamily {
  if (!IMAGE_FAMILIES.includes(value as ImageFamily)) {
    throw new VirtworkError(`--family: unknown family ${show(value)}; allowed: ${IMAGE_FAMILIES.join(', ')}`);
  }
  return value as ImageFamily;
}

function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function diskMiB(value: string): number {
  const bytes = parseQuantity(value);
  if (bytes === undefined || bytes < 2 * 1024 ** 3 || bytes % (1024 ** 2) !== 0) {
    throw new VirtworkError(`--disk-size: must be a quantity of whole MiB, at least 2Gi (e.g. 4Gi), got ${show(value)}`);
  }
  return bytes / 1024 ** 2;
}

function pick(opts: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
}

function place(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
