import { parseCloudConfig } from '../guest/cloud-init';
import { listCatalog } from '../config/catalog-dirs';
import { loadConfig, loadMerged } from '../config/synth-input';
import { Environment } from '../config/setting';
import { VirtworkError, show } from '../core/errors';
import { buildApp } from '../render/synth';
import { VirtualMachine } from '../vm/virtual-machine';
import { knownWorkloads } from '../config/catalog-dirs';

/** Guest OS families an image can be made for. */
export const IMAGE_FAMILIES = ['debian', 'fedora', 'centos-stream'] as const;
/** One of {@link IMAGE_FAMILIES}. */
export type ImageFamily = (typeof IMAGE_FAMILIES)[number];

/** The guest family the workloads are synthesized with for an image family (CentOS Stream is a Fedora-family guest). */
export function guestFamilyOf(family: ImageFamily): 'debian' | 'fedora' {
  return family === 'debian' ? 'debian' : 'fedora';
}

/** What the package set of an image is computed from. */
export interface PackageRequest {
  /** Image family. */
  readonly family: ImageFamily;
  /** Workloads (built-ins and catalog entries) to serve; empty or undefined: every workload that serves the family. */
  readonly workloads?: readonly string[];
  /** Further options as `virtwork synth` flags (e.g. `catalogDir`, `config`). */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Environment (`VIRTWORK_*`). */
  readonly env: Environment;
  /** Working directory (where `virtwork.yaml` is looked for). */
  readonly cwd: string;
}

/** The packages the user-data of the selected workloads installs, and what was left out. */
export interface WorkloadPackages {
  /** Sorted, de-duplicated package names, exactly as the synthesized user-data's `packages` lists them. */
  readonly packages: readonly string[];
  /** Package names per workload (sorted), for the manifest. */
  readonly byWorkload: Readonly<Record<string, readonly string[]>>;
  /** Workloads left out of an "every workload" image because they refuse the family, with the reason. */
  readonly skipped: Readonly<Record<string, string>>;
}

/**
 * Computes the packages an image must hold by synthesizing every selected workload with the family's
 * `guest-family` and reading the `packages` of each VM's cloud-init user-data: there is no list to keep in step
 * by hand. With no selection, every built-in and catalog workload is used and those that refuse the family are
 * reported in `skipped`; a workload selected by name that refuses the family is an error.
 */
export function workloadPackages(req: PackageRequest): WorkloadPackages {
  const explicit = req.workloads !== undefined && req.workloads.length > 0;
  const names = explicit ? [...req.workloads!] : knownWorkloads(listCatalog(loadMerged({ flags: req.flags, env: req.env, cwd: req.cwd })));
  const byWorkload: Record<string, readonly string[]> = {};
  const skipped: Record<string, string> = {};
  for (const name of names) {
    try {
      byWorkload[name] = userDataPackages(req, name);
    } catch (err) {
      if (explicit || !(err instanceof VirtworkError)) throw err;
      skipped[name] = err.message;
    }
  }
  const packages = [...new Set(Object.values(byWorkload).flat())].sort();
  return { packages, byWorkload, skipped };
}

function userDataPackages(req: PackageRequest, name: string): string[] {
  const flags = { ...req.flags, workloads: name, guestFamily: guestFamilyOf(req.family), packagesPreinstalled: 'false' };
  const loaded = loadConfig({ flags, env: req.env, cwd: req.cwd });
  const app = buildApp(loaded.input);
  const found = new Set<string>();
  for (const vm of app.node.findAll().filter((c): c is VirtualMachine => c instanceof VirtualMachine)) {
    for (const pkg of packagesOf(vm)) found.add(pkg);
  }
  return [...found].sort();
}

/** The `packages` list of a VM's user-data (cloud-init accepts `[name, version]` pairs too: the name is taken). */
export function packagesOf(vm: VirtualMachine): string[] {
  const userData = Object.values(vm.plainSecret.stringData)[0];
  const doc = parseCloudConfig(userData);
  const list = doc.packages ?? [];
  if (!Array.isArray(list)) throw new VirtworkError(`${vm.name}: user-data "packages" must be a list, got ${show(list)}`);
  return list.map((p) => (Array.isArray(p) ? String(p[0]) : String(p)));
}
