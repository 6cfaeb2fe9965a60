import { VirtworkError } from '../core/errors';
import { CatalogParamSchema, CatalogParamSpec } from './catalog-params';
import { CatalogScript, CatalogSource, CatalogUnit } from './catalog-source';
import { checkFiles } from './_file-checks';
import { checkManifest, entryNameProblems } from './_manifest-checks';
import { MANIFEST_FILE, ManifestResult, parseManifest } from './manifest';
import { CatalogSignalSpec, catalogSignalProblems } from '../signals/catalog-signals';
import { CatalogReadinessSpec, catalogReadinessProblems } from './catalog-readiness';

/** A role of a role-based entry (`virtwork-<entry>-<role>-<i>` VMs running `<role>.service`). */
export interface CatalogRole {
  /** Role name (`virtwork/role` label). */
  readonly name: string;
  /**
   * Fixed number of VMs.
   * @default the workload's vmCount
   */
  readonly vmCount?: number;
  /** Packages of this role only, installed after the entry's packages. */
  readonly packages: readonly string[];
  /** The role's unit (`<role>.service`). */
  readonly unit: CatalogUnit;
}

/** A data disk of an entry: a blank DataVolume per VM, formatted and mounted by the guest. */
export interface CatalogStorage {
  /** Disk name and DataVolume base name (the DataVolume is `<name>-<vm>`). */
  readonly name: string;
  /** Requested size, a quantity like `10Gi`. */
  readonly size: string;
  /** virtio serial: the guest finds the disk at `/dev/disk/by-id/virtio-<serial>`. */
  readonly serial: string;
  /** Absolute mount point in the guest. */
  readonly mount: string;
  /**
   * Roles whose VMs get the disk.
   * @default every VM of the entry
   */
  readonly roles?: readonly string[];
}

/** A port of an entry's Service. */
export interface CatalogServicePort {
  /** Port name (IANA service name rules). */
  readonly name: string;
  /** Port number; the target port is the same. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: 'TCP' | 'UDP';
}

/** The ClusterIP Service `virtwork-<entry>` in front of an entry's VMs. */
export interface CatalogService {
  /** Ports, at least one. */
  readonly ports: readonly CatalogServicePort[];
  /**
   * Only VMs of this role are selected.
   * @default every VM of the entry
   */
  readonly selectorRole?: string;
}

/** A catalog entry, checked: everything a CatalogWorkload needs to render it, with no file access. */
export interface CatalogEntry {
  /** Entry (workload) name. */
  readonly name: string;
  /** Where it was loaded from, for messages. */
  readonly location: string;
  /** One-line description from the manifest. */
  readonly description?: string;
  /** Packages installed on every VM. */
  readonly packages: readonly string[];
  /** Params as declared, in manifest order (for docs). */
  readonly paramSpecs: readonly CatalogParamSpec[];
  /** Typed params schema: resolves user values with precise errors. */
  readonly params: CatalogParamSchema;
  /** Roles of a role-based entry; undefined for an entry whose every VM runs every unit. */
  readonly roles?: readonly CatalogRole[];
  /** Every unit, sorted by file name. */
  readonly units: readonly CatalogUnit[];
  /** Every script, sorted by file name. */
  readonly scripts: readonly CatalogScript[];
  /** Data disks. */
  readonly storage: readonly CatalogStorage[];
  /** The Service, when declared. */
  readonly service?: CatalogService;
  /** The series its VMs must move (`signals:` of workload.yaml; see docs/signals.md). */
  readonly signals?: readonly CatalogSignalSpec[];
  /** What its VMs' health responder checks (`readiness:` of workload.yaml); undefined: every unit active. */
  readonly readiness?: readonly CatalogReadinessSpec[];
}

/** Result of {@link checkCatalogEntry}: the entry when there is no error, and every error and warning. */
export interface CatalogCheck {
  /** The checked entry; undefined when there is any error. */
  readonly entry?: CatalogEntry;
  /** Errors, each naming the file, the field and the value. */
  readonly errors: readonly string[];
  /** Warnings: things that work but are probably not meant (unused params, ignored files). */
  readonly warnings: readonly string[];
}

/**
 * Checks a catalog entry from its files: entry name, manifest (strict schema, then consistency: types of
 * defaults, duplicates, role references), units per role, scripts, placeholders and generated name lengths.
 * Pure: the loader reads the files, this decides.
 */
export function checkCatalogEntry(source: CatalogSource): CatalogCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const manifestText = source.files.get(MANIFEST_FILE);
  const parsed: ManifestResult = manifestText === undefined ? { manifest: {}, problems: [] } : parseManifest(manifestText);
  const where = (file: string) => `${source.location}/${file}`;
  errors.push(...parsed.problems.map((p) => `${where(MANIFEST_FILE)}: ${p}`));
  errors.push(...entryNameProblems(source.name, parsed.manifest?.roles?.map((r) => r.name)).map((e) => `${source.location}: ${e}`));
  const checked = parsed.manifest ? checkManifest(parsed.manifest) : undefined;
  if (checked) {
    errors.push(...checked.errors.map((e) => `${where(MANIFEST_FILE)}: ${e}`));
    errors.push(...catalogSignalProblems(parsed.manifest?.signals, parsed.manifest?.roles?.map((r) => r.name), parsed.manifest?.params).map((e) => `${where(MANIFEST_FILE)}: ${e}`));
    errors.push(...catalogReadinessProblems(parsed.manifest?.readiness, parsed.manifest?.roles?.map((r) => r.name), parsed.manifest?.params).map((e) => `${where(MANIFEST_FILE)}: ${e}`));
    warnings.push(...checked.warnings.map((w) => `${where(MANIFEST_FILE)}: ${w}`));
  }
  // Units per role and placeholders are checked against a sound manifest only: a broken (or misnamed) manifest
  // would make every reference to it look wrong too.
  const misnamed = [...source.files.keys()].some((f) => f !== MANIFEST_FILE && /^workload\.ya?ml$/i.test(f));
  const sound = checked && checked.errors.length === 0 && !misnamed ? checked.manifest : undefined;
  const files = checkFiles(source, sound);
  errors.push(...files.errors);
  warnings.push(...files.warnings);
  if (errors.length > 0 || !checked || !files.result) return { errors, warnings };
  const m = checked.manifest;
  const entry: CatalogEntry = {
    name: source.name,
    location: source.location,
    description: m.description,
    packages: m.packages,
    paramSpecs: m.paramSpecs,
    params: m.params,
    roles: m.roles?.map((r) => ({ ...r, unit: files.result!.units.find((u) => u.stem === r.name)! })),
    units: files.result.units,
    scripts: files.result.scripts,
    storage: m.storage,
    service: m.service,
    ...(parsed.manifest?.signals ? { signals: parsed.manifest.signals } : {}),
    ...(parsed.manifest?.readiness ? { readiness: parsed.manifest.readiness } : {}),
  };
  return { entry, errors, warnings };
}

/** Checks an entry and returns it, or throws one VirtworkError listing every error (one per line). */
export function parseCatalogEntry(source: CatalogSource): CatalogEntry {
  const check = checkCatalogEntry(source);
  if (!check.entry) throw new VirtworkError(check.errors.join('\n'));
  return check.entry;
}
