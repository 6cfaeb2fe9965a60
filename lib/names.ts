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

/** The name of a workload VM: `virtwork-<workload>-<i>`, or `virtwork-<workload>-<role>-<i>` for multi-role workloads. */
export function vmName(workload: string, index: number, role?: string): string {
  return role === undefined ? `virtwork-${workload}-${index}` : `virtwork-${workload}-${role}-${index}`;
}
