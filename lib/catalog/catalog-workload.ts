import { Construct } from 'constructs';
import { WriteFile } from '../guest/cloud-init';
import { VirtworkError, show } from '../core/errors';
import { WorkloadService, serviceHost } from '../vm/service';
import { dataDisk, dataDiskSetup } from '../workloads/_disk-setup';
import { BUILTIN_WORKLOADS, WorkloadClass } from '../workloads/_registry';
import { RoleSpec, Workload, WorkloadProps } from '../workloads/_workload';
import { CatalogEntry, CatalogRole } from './catalog-entry';
import { CatalogFile, CatalogScript } from './catalog-source';
import { checkSafeText, substitutionText } from './catalog-params';
import { findPlaceholders, substitute } from './placeholders';
import { catalogReadinessChecks } from './catalog-readiness';

/** Props of {@link CatalogWorkload}. */
export interface CatalogWorkloadProps extends WorkloadProps {
  /** The entry to render, as returned by loadCatalogEntries / parseCatalogEntry. */
  readonly entry: CatalogEntry;
  /**
   * Params, typed values or strings; every key is optional.
   * @default {} (every param at the default of the entry's manifest)
   */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * A catalog entry rendered through the same constructs as the built-in workloads: VMs `virtwork-<entry>-<i>`
 * (every unit on every VM) or `virtwork-<entry>-<role>-<i>` (`<role>.service` on the VMs of that role), units
 * installed as `virtwork-<entry>-<unit>.service`, the scripts they use as `/usr/local/bin/virtwork-<entry>-<file>`, data disks
 * on the roles that declare them, and the Service `virtwork-<entry>` selecting only this entry's VMs (and role).
 * Params are resolved with their types and substituted only as safe text. Pure: the entry is already loaded.
 */
export class CatalogWorkload extends Workload {
  /** The rendered entry. */
  public readonly entry: CatalogEntry;
  /** The Service, when the entry declares one. */
  public readonly service?: WorkloadService;

  public constructor(scope: Construct, id: string, props: CatalogWorkloadProps) {
    super(scope, id, props.entry.name, props);
    const entry = props.entry;
    this.entry = entry;
    const values = new Map<string, string>();
    const resolved = entry.params.resolve(props.params, `${entry.name}.params`);
    for (const [key, value] of Object.entries(resolved)) values.set(key, substitutionText(key, value));
    const serviceName = this.serviceName(`virtwork-${entry.name}`);
    const builtins: [string, string][] = [
      ['virtwork:entry', entry.name], ['virtwork:namespace', this.namespace], ['virtwork:guest-family', this.guestFamily],
    ];
    if (entry.service) builtins.push(['virtwork:service', serviceName], ['virtwork:service-host', serviceHost(serviceName)]);
    for (const script of entry.scripts) builtins.push([`script:${script.file}`, script.installPath]);
    for (const [key, value] of builtins) values.set(key, checkSafeText(`${entry.name}: {{${key}}}`, value));

    if (entry.roles) {
      for (const role of entry.roles) this.addRole(this.roleSpec(role, values), role.vmCount ?? this.vmCount);
    } else {
      this.addRole(this.roleSpec(undefined, values));
    }
    if (entry.service) {
      this.service = new WorkloadService(this, 'service', {
        name: serviceName,
        namespace: this.namespace,
        workload: entry.name,
        instance: this.instanceName,
        runId: this.runId,
        selectorRole: entry.service.selectorRole,
        ports: entry.service.ports,
      });
    }
  }

  private roleSpec(role: CatalogRole | undefined, common: ReadonlyMap<string, string>): RoleSpec {
    const entry = this.entry;
    const values = role ? new Map([...common, ['virtwork:role', checkSafeText(`${entry.name}: role`, role.name)]]) : common;
    const storage = entry.storage.filter((s) => s.roles === undefined || (role !== undefined && s.roles.includes(role.name)));
    const disks = storage.map((s) => dataDiskSetup({ id: s.name, serial: s.serial, mount: s.mount }));
    const units = (role ? [role.unit] : entry.units).map((u) => ({
      name: u.installName,
      content: substitute(u.content, values, `${entry.location}/${u.file}`),
    }));
    const scripts: WriteFile[] = scriptsUsedBy(entry, role ? [role.unit] : entry.units).map((s) => ({
      path: s.installPath,
      content: substitute(s.content, values, `${entry.location}/${s.file}`),
      permissions: '0755',
    }));
    const dropIns: WriteFile[] = disks.length === 0 ? [] : units.map((u) => ({
      path: `/etc/systemd/system/${u.name}.d/virtwork-storage.conf`,
      content: [
        '# virtwork: start only once the data disks of this VM are mounted',
        '[Unit]',
        ...disks.map((d) => `Requires=${d.unitName}`),
        ...disks.map((d) => `After=${d.unitName}`),
        '',
      ].join('\n'),
      permissions: '0644',
    }));
    const packages = [...entry.packages, ...(role?.packages ?? []), ...disks.flatMap((d) => d.packages)];
    return {
      role: role?.name,
      packages: packages.filter((p, i) => packages.indexOf(p) === i),
      files: [...disks.flatMap((d) => d.files), ...scripts, ...dropIns],
      units: [...disks.flatMap((d) => d.units), ...units],
      setup: disks.flatMap((d) => d.setup),
      dataDisks: storage.map((s) => dataDisk({ name: s.name, dataVolumeBase: s.name, serial: s.serial, size: s.size })),
      readiness: catalogReadinessChecks(entry.readiness, role?.name, values, `${entry.location}/workload.yaml`),
    };
  }
}

/** The scripts `units` reference as `{{script:<file>}}`, directly or through other scripts, in entry order. */
function scriptsUsedBy(entry: CatalogEntry, units: readonly CatalogFile[]): CatalogScript[] {
  const used = new Set<string>();
  const visit = (content: string) => {
    for (const p of findPlaceholders(content)) {
      if (p.kind !== 'script' || used.has(p.file)) continue;
      used.add(p.file);
      const script = entry.scripts.find((s) => s.file === p.file);
      if (script) visit(script.content);
    }
  };
  units.forEach((u) => visit(u.content));
  return entry.scripts.filter((s) => used.has(s.file));
}

/**
 * The workload class of an entry, to put in `SynthInput.registry` next to the built-ins: `workloadName` and
 * `params` are the entry's, and constructing it renders a {@link CatalogWorkload}.
 */
export function catalogWorkloadClass(entry: CatalogEntry): WorkloadClass {
  return class extends CatalogWorkload {
    /** Workload name: the entry name. */
    public static readonly workloadName = entry.name;
    /** Param definitions from the entry's manifest. */
    public static readonly params = entry.params;

    public constructor(scope: Construct, id: string, props: WorkloadProps & { params?: Record<string, unknown> } = {}) {
      super(scope, id, { ...props, entry });
    }
  };
}

/**
 * A registry of `base` (the built-ins by default) plus the given entries. An entry may not take the name of a
 * workload already in `base`, nor be given twice.
 */
export function catalogRegistry(
  entries: readonly CatalogEntry[],
  base: Readonly<Record<string, WorkloadClass>> = BUILTIN_WORKLOADS,
): Record<string, WorkloadClass> {
  const registry: Record<string, WorkloadClass> = { ...base };
  for (const entry of entries) {
    if (entry.name in registry) {
      const what = entry.name in base ? 'a built-in workload' : 'another catalog entry';
      throw new VirtworkError(`${entry.location}: catalog entry ${show(entry.name)} has the name of ${what}`);
    }
    registry[entry.name] = catalogWorkloadClass(entry);
  }
  return registry;
}
