import { VirtworkError, show } from '../core/errors';
import { vmName } from '../core/names';
import { RESERVED_DISK_NAMES } from '../vm/virtual-machine';
import { checkMountPoint } from '../workloads/_disk-setup';
import { parseQuantity } from '../core/quantity';
import { didYouMean } from '../core/_suggest';
import { BUILTIN_WORKLOADS } from '../workloads/_registry';
import { CatalogParamSchema, CatalogParamSpec, catalogParamSchema } from './catalog-params';
import { CatalogManifest } from './manifest';

/** A manifest after the consistency checks, with defaults filled in. */
export interface CheckedManifest {
  readonly description?: string;
  readonly packages: readonly string[];
  readonly paramSpecs: readonly CatalogParamSpec[];
  readonly params: CatalogParamSchema;
  readonly roles?: readonly { readonly name: string; readonly vmCount?: number; readonly packages: readonly string[] }[];
  readonly storage: readonly { name: string; size: string; serial: string; mount: string; roles?: readonly string[] }[];
  readonly service?: { readonly ports: readonly { name: string; port: number; protocol: 'TCP' | 'UDP' }[]; readonly selectorRole?: string };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PARAM_KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const SERIAL = /^[A-Za-z0-9_-]{1,20}$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Disk names the VM construct uses itself (and `datadisk`, the built-in workloads' data disk). */
const RESERVED_DISKS = [...RESERVED_DISK_NAMES, 'datadisk'];
/** Entry names that would collide with the files virtwork always writes into dist/. */
const RESERVED_ENTRIES = ['namespace', 'kustomization'];
/** Storage names become the id of the disk setup unit (`virtwork-disk-setup-<name>.service`), at most 40 characters. */
const MAX_STORAGE_NAME = 40;
/** Param fields that belong to one type only. */
const TYPE_FIELDS: readonly (readonly ['min' | 'max' | 'values' | 'pattern', string])[] = [['min', 'int'], ['max', 'int'], ['values', 'enum'], ['pattern', 'string']];
/** VM indexes are budgeted for up to 1000 VMs per role (three digits). */
const MAX_INDEX = 999;

/**
 * Problems of an entry name: it must be a DNS-1123 label that leaves room for every generated name
 * (`virtwork-<entry>-<role>-999` at most 63 characters), and must not shadow a built-in workload.
 */
export function entryNameProblems(name: string, roles: readonly string[] | undefined): string[] {
  if (!DNS_LABEL.test(name)) {
    return [`entry name ${show(name)} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending ` +
      `with a letter or digit): it is the workload name and part of every VM name`];
  }
  if (RESERVED_ENTRIES.includes(name)) return [`entry name ${show(name)} is reserved (virtwork writes ${name}.yaml itself)`];
  if (name in BUILTIN_WORKLOADS) {
    return [`entry name ${show(name)} shadows the built-in workload ${show(name)}: rename the entry's directory`];
  }
  const longest = (roles?.length ? roles : [undefined])
    .map((role) => vmName(name, MAX_INDEX, role))
    .reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > 63) {
    return [`entry name ${show(name)} is too long: VM names like ${show(longest)} would have ${longest.length} characters, ` +
      `over the 63 allowed (shorten the entry${roles?.length ? ' or role' : ''} name by ${longest.length - 63})`];
  }
  return [];
}

/** Consistency checks of a structurally valid manifest; errors and warnings are `<field>: <message>`. */
export function checkManifest(raw: CatalogManifest): { manifest: CheckedManifest; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const packages = raw.packages ?? [];
  errors.push(...packageProblems('packages', packages));

  const paramSpecs: CatalogParamSpec[] = raw.params ?? [];
  const keys = new Map<string, number>();
  paramSpecs.forEach((p, i) => {
    if (!PARAM_KEY.test(p.key)) errors.push(`params[${i}].key: must be kebab-case (lowercase letters and digits separated by '-', starting with a letter), got ${show(p.key)}`);
    else if (keys.has(p.key)) errors.push(`params[${i}].key: duplicate param ${show(p.key)} (already params[${keys.get(p.key)}])`);
    keys.set(p.key, keys.get(p.key) ?? i);
    for (const [f, owner] of TYPE_FIELDS) {
      if (p[f] !== undefined && p.type !== owner) errors.push(`params[${i}].${f}: applies only to ${owner} params, and ${show(p.key)} is ${p.type}`);
    }
    if (p.desc === undefined || p.desc.trim() === '') warnings.push(`params[${i}] ${show(p.key)}: has no desc (users see it in the params table)`);
  });
  const { schema: params, problems } = catalogParamSchema(paramSpecs);
  errors.push(...problems.map((p) => `params[${p.index}].${p.field}: ${p.message}`));

  const roleNames = (raw.roles ?? []).map((r) => r.name);
  const roles = raw.roles?.map((r, i) => {
    if (!DNS_LABEL.test(r.name) || r.name.length > 40) {
      errors.push(`roles[${i}].name: must be a DNS-1123 label of at most 40 characters (lowercase letters, digits and '-'), got ${show(r.name)}`);
    } else if (roleNames.indexOf(r.name) !== i) errors.push(`roles[${i}].name: duplicate role ${show(r.name)} (already roles[${roleNames.indexOf(r.name)}])`);
    errors.push(...packageProblems(`roles[${i}].packages`, r.packages ?? []));
    return { name: r.name, vmCount: r['vm-count'], packages: r.packages ?? [] };
  });
  const roleRef = (field: string, role: string) => {
    if (!roles) return `${field}: names role ${show(role)}, but the manifest declares no roles`;
    return roleNames.includes(role) ? undefined : `${field}: unknown role ${show(role)}${didYouMean(role, roleNames)}; roles: ${roleNames.join(', ')}`;
  };

  const storage = (raw.storage ?? []).map((s, i) => {
    const at = `storage[${i}]`;
    const first = <K extends 'name' | 'serial' | 'mount'>(k: K) => (raw.storage ?? []).findIndex((o) => o[k] === s[k]);
    if (!DNS_LABEL.test(s.name) || s.name.length > MAX_STORAGE_NAME) {
      errors.push(`${at}.name: must be a DNS-1123 label of at most ${MAX_STORAGE_NAME} characters (lowercase letters, digits and '-'), got ${show(s.name)}`);
    }
    else if (RESERVED_DISKS.includes(s.name)) errors.push(`${at}.name: ${show(s.name)} is a reserved disk name (${RESERVED_DISKS.join(', ')})`);
    else if (first('name') !== i) errors.push(`${at}.name: duplicate storage name ${show(s.name)} (already storage[${first('name')}])`);
    const bytes = parseQuantity(s.size);
    if (bytes === undefined || bytes <= 0) errors.push(`${at}.size: must be a positive quantity like 10Gi or 500Mi, got ${show(s.size)}`);
    if (!SERIAL.test(s.serial)) errors.push(`${at}.serial: must be 1 to 20 letters, digits, '-' or '_', got ${show(s.serial)}`);
    else if (first('serial') !== i) errors.push(`${at}.serial: duplicate serial ${show(s.serial)} (already storage[${first('serial')}]): the guest could not tell the disks apart`);
    const mountProblem = mountProblems(`${at}.mount:`, s.mount);
    if (mountProblem) errors.push(mountProblem);
    else if (first('mount') !== i) errors.push(`${at}.mount: duplicate mount point ${show(s.mount)} (already storage[${first('mount')}])`);
    else {
      const parent = (raw.storage ?? []).find((o) => s.mount.startsWith(`${o.mount}/`));
      if (parent) errors.push(`${at}.mount: ${show(s.mount)} is inside the mount point ${show(parent.mount)} of storage ${show(parent.name)}`);
    }
    s.roles?.forEach((role, j) => {
      const problem = roleRef(`${at}.roles[${j}]`, role);
      if (problem) errors.push(problem);
      else if (s.roles!.indexOf(role) !== j) errors.push(`${at}.roles[${j}]: role ${show(role)} is listed twice`);
    });
    return { name: s.name, size: s.size, serial: s.serial, mount: s.mount, roles: s.roles };
  });

  let service: CheckedManifest['service'];
  if (raw.service) {
    const ports = raw.service.ports.map((p, i) => {
      const at = `service.ports[${i}]`;
      if (!PORT_NAME.test(p.name) || p.name.length > 15 || !/[a-z]/.test(p.name) || p.name.includes('--')) {
        errors.push(`${at}.name: must be an IANA service name (at most 15 lowercase letters, digits and '-', with a letter, no '--'), got ${show(p.name)}`);
      } else if (raw.service!.ports.findIndex((o) => o.name === p.name) !== i) errors.push(`${at}.name: duplicate port name ${show(p.name)}`);
      const protocol = p.protocol ?? 'TCP';
      const same = raw.service!.ports.findIndex((o) => o.port === p.port && (o.protocol ?? 'TCP') === protocol);
      if (same !== i) errors.push(`${at}.port: ${p.port}/${protocol} is already service.ports[${same}]`);
      return { name: p.name, port: p.port, protocol };
    });
    const selectorRole = raw.service['selector-role'];
    if (selectorRole !== undefined) {
      const problem = roleRef('service.selector-role', selectorRole);
      if (problem) errors.push(problem);
    }
    service = { ports, selectorRole };
  }
  if (raw.description === undefined || raw.description.trim() === '') warnings.push('description: missing (shown by `virtwork validate` and in docs)');
  return { manifest: { description: raw.description, packages, paramSpecs, params, roles, storage, service }, errors, warnings };
}

function packageProblems(field: string, packages: readonly string[]): string[] {
  return packages.flatMap((p, i) => {
    if (!PACKAGE.test(p)) return [`${field}[${i}]: must be a package name (letters, digits and . _ + -), got ${show(p)}`];
    if (packages.indexOf(p) !== i) return [`${field}[${i}]: package ${show(p)} is listed twice`];
    return [];
  });
}

function mountProblems(what: string, mount: string): string | undefined {
  if (!mount.startsWith('/')) return `${what} must be an absolute path, got ${show(mount)}`;
  try {
    checkMountPoint(what, mount);
    return undefined;
  } catch (err) {
    if (err instanceof VirtworkError) return err.message;
    throw err;
  }
}
