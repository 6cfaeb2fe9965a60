import { VirtworkError, show } from './errors';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Checks a name against RFC 1123 label rules (lowercase alphanumerics and '-', at most `max` characters).
 * VirtualMachine, Service and Namespace names must be labels (VM names become hostnames, at most 63).
 */
export function checkDnsLabel(what: string, name: string, max = 63): string {
  if (name.length === 0 || name.length > max || !DNS_1123_LABEL.test(name)) {
    throw new VirtworkError(
      `${what} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter ` +
        `or digit, at most ${max} characters), got ${show(name)}` + (name.length > max ? ` (${name.length} characters)` : ''),
    );
  }
  return name;
}

/** Checks a name against RFC 1123 subdomain rules (Secrets, DataVolumes): at most 253 characters. */
export function checkDnsSubdomain(what: string, name: string): string {
  if (name.length === 0 || name.length > 253 || !DNS_1123_SUBDOMAIN.test(name)) {
    throw new VirtworkError(`${what} must be a DNS-1123 subdomain (at most 253 characters), got ${show(name)}`);
  }
  return name;
}

/** Checks a Kubernetes label value (at most 63 characters, alphanumerics, '-', '_', '.'). */
export function checkLabelValue(what: string, value: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new VirtworkError(
      `${what} must be a valid label value (at most 63 characters: letters, digits, '-', '_', '.', ` +
        `starting and ending with a letter or digit), got ${show(value)}`,
    );
  }
  return value;
}

/**
 * The name of a workload VM: `virtwork-<instance>-<i>`, or `virtwork-<instance>-<role>-<i>` for multi-role workloads.
 * The instance is the workload construct's id (or its `name` prop); the configuration names each instance after its
 * `workloads` entry, so `workloads: [cpu]` gives `virtwork-cpu-0`.
 */
export function vmName(instance: string, index: number, role?: string): string {
  return role === undefined ? `virtwork-${instance}-${index}` : `virtwork-${instance}-${role}-${index}`;
}

/**
 * The name of a Service of a workload instance: the workload's reference name (`virtwork-iperf3-server`,
 * `virtwork-tps-server`, `virtwork-<entry>`) for the instance named after its workload type, so that configurations
 * keep the names they always had; `virtwork-<instance>-<suffix>` (or `virtwork-<instance>`) for any other instance.
 */
export function instanceServiceName(o: { readonly workload: string; readonly instance: string; readonly reference: string; readonly suffix?: string }): string {
  if (o.instance === o.workload) return o.reference;
  return o.suffix === undefined ? `virtwork-${o.instance}` : `virtwork-${o.instance}-${o.suffix}`;
}

/**
 * Checks an instance name (a workload construct's id or `name` prop): a DNS-1123 label, since it is part of every
 * object name. `path` is the construct path, for the message.
 */
export function checkInstanceName(path: string, name: string, fromId: boolean): string {
  const what = fromId ? `${path}: the instance name (the construct id; the \`name\` prop overrides it)` : `${path}: name`;
  return checkDnsLabel(what, name, MAX_INSTANCE_NAME);
}

/** Longest instance name: `virtwork-<instance>-<i>` must stay a 63-character label (roles make it longer still). */
export const MAX_INSTANCE_NAME = 50;
