import { VirtworkError, show } from '../errors';

/** Most VMs one fleet may expand into (a workload instance holds at most 1000 per role). */
export const MAX_FLEET_VMS = 10_000;
/** Most VMs (per role) of one instance: a workload's vmCount limit. */
export const MAX_INSTANCE_VMS = 1000;

/** A member's share of a mix: a percentage (`'70%'`) or a weight (a positive number); one form per mix. */
export type Share = number | `${number}%`;

/** One member of a mix, as {@link mixCounts} needs it. */
export interface ShareOf {
  /** Member name, for messages. */
  readonly name: string;
  /** Its share. */
  readonly share: unknown;
}

/** Result of {@link mixCounts}: each member's count, in member order. */
export interface MixCount {
  /** Member name. */
  readonly name: string;
  /** Its share as a fraction of the whole (0 to 1). */
  readonly fraction: number;
  /** VMs (per role) it gets. */
  readonly count: number;
}

/**
 * Splits `total` VMs between members by their shares, by the largest-remainder method: each member gets the whole
 * part of its exact quota, and the VMs left go one each to the largest remainders (ties to the earlier member), so
 * the counts always sum to `total` and the same input always gives the same counts. Percentages must sum to 100;
 * weights are any positive numbers. `where` prefixes messages (`virtwork.yaml: fleets.mixed`); a member's share is
 * named `<where>.mix.<member>.share`.
 */
export function mixCounts(where: string, total: number, members: readonly ShareOf[]): MixCount[] {
  if (!Number.isInteger(total) || total < 1 || total > MAX_FLEET_VMS) {
    throw new VirtworkError(`${where}.vm-count: must be an integer from 1 to ${MAX_FLEET_VMS} (the VM limit of a fleet), got ${show(total)}`);
  }
  if (members.length === 0) throw new VirtworkError(`${where}.mix: must list at least one member`);
  const names = new Set<string>();
  for (const m of members) {
    if (names.has(m.name)) throw new VirtworkError(`${where}.mix: member ${show(m.name)} is listed twice`);
    names.add(m.name);
  }
  const parsed = members.map((m) => ({ name: m.name, ...parseShare(`${where}.mix.${m.name}.share`, m.share) }));
  const percent = parsed.filter((p) => p.percent);
  if (percent.length > 0 && percent.length < parsed.length) {
    const [a, b] = [parsed.find((p) => p.percent)!, parsed.find((p) => !p.percent)!];
    throw new VirtworkError(`${where}.mix: shares must be all percentages or all weights, got ${show(members.find((m) => m.name === a.name)!.share)} for ${a.name} and ${show(members.find((m) => m.name === b.name)!.share)} for ${b.name}`);
  }
  const sum = parsed.reduce((acc, p) => acc + p.value, 0);
  if (percent.length > 0 && Math.abs(sum - 100) > 1e-9) {
    throw new VirtworkError(`${where}.mix: percentage shares must sum to 100%, got ${formatNumber(sum)}% (${parsed.map((p) => `${p.name} ${formatNumber(p.value)}%`).join(', ')})`);
  }
  const quotas = parsed.map((p) => (p.value / sum) * total);
  const counts = quotas.map((q) => Math.floor(q + 1e-9));
  const left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, rest: q - counts[i] })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; k < left; k++) counts[order[k].i]++;
  return parsed.map((p, i) => {
    if (counts[i] === 0) {
      throw new VirtworkError(
        `${where}.mix.${p.name}.share: ${formatShare(p)} of ${total} VMs rounds to 0 VMs; raise the share or the fleet's vm-count, or drop the member`,
      );
    }
    if (counts[i] > MAX_INSTANCE_VMS) {
      throw new VirtworkError(`${where}.mix.${p.name}.share: ${formatShare(p)} of ${total} VMs is ${counts[i]} VMs, over the ${MAX_INSTANCE_VMS} of one instance; split it into several members`);
    }
    return { name: p.name, fraction: p.value / sum, count: counts[i] };
  });
}

function parseShare(where: string, raw: unknown): { value: number; percent: boolean } {
  const m = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(raw) : null;
  const value = m ? Number(m[1]) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(value) || value <= 0 || (m && value > 100)) {
    throw new VirtworkError(`${where}: must be a percentage like "70%" (more than 0, at most 100) or a positive weight like 7, got ${show(raw)}`);
  }
  return { value, percent: m !== null };
}

function formatShare(p: { value: number; percent: boolean }): string {
  return p.percent ? `${formatNumber(p.value)}%` : `weight ${formatNumber(p.value)}`;
}

function formatNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}
