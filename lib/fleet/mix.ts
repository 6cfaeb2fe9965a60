import { VirtworkError, show } from '../core/errors';

/** Most VMs one fleet may expand into (a workload instance holds at most 1000 per role). */
export const MAX_FLEET_VMS = 10_000;
/** Most VMs (per role) of one instance: a workload's vmCount limit. */
export const MAX_INSTANCE_VMS = 1000;

/** A member's share of a mix: a percentage (`'70%'`) or a weight (a positive number); one form per mix. */
export type Share = number | `${number}%`;

/**
 * How a workload's VMs follow its vmCount: `perCount × vmCount + fixed`. cpu is 1 × n; network and tps are 2 × n
 * (a server and a client per count); a catalog entry with roles is one per role that follows vm-count, plus the VMs
 * of the roles with a vm-count of their own.
 */
export interface VmsPerCount {
  /** VMs that one more count adds (at least 1). */
  readonly perCount: number;
  /** VMs that do not follow the count. */
  readonly fixed: number;
}

/** The shape of a single-role workload: one VM per count. */
export const ONE_VM_PER_COUNT: VmsPerCount = { perCount: 1, fixed: 0 };

/** One member of a mix, as {@link mixCounts} needs it. */
export interface ShareOf {
  /** Member name, for messages. */
  readonly name: string;
  /** Its share. */
  readonly share: unknown;
  /**
   * How its VMs follow its count.
   * @default ONE_VM_PER_COUNT
   */
  readonly vms?: VmsPerCount;
  /** Its workload type, for messages. */
  readonly workload?: string;
}

/** A member's share after {@link parseMix}: checked, as a fraction of the whole. */
export interface MixShare {
  /** Member name. */
  readonly name: string;
  /** Its share as a fraction of the whole (0 to 1). */
  readonly fraction: number;
  /** The share as written: `70%` or `weight 7`, for messages. */
  readonly shown: string;
}

/** Result of {@link mixCounts}: each member's count, in member order. */
export interface MixCount {
  /** Member name. */
  readonly name: string;
  /** Its share as a fraction of the whole (0 to 1). */
  readonly fraction: number;
  /** Its vmCount (VMs per role). */
  readonly count: number;
  /** VMs it gets: `perCount × count + fixed`. The VMs of all members sum to the fleet's total exactly. */
  readonly vms: number;
}

/**
 * Splits `total` VMs between members by their shares, VM-exact: the shares count VMs, and each member gets whole
 * counts of its workload (a network or tps count is a server and a client, 2 VMs). By the largest-remainder method,
 * in whole counts: each member first gets as many counts as fit in its exact quota of VMs; then the VMs left go, one
 * count at a time, to the member with the largest remainder (quota − VMs given) whose next count still fits in what
 * is left, ties to the earlier member. With one VM per count this is the plain largest-remainder method; the counts'
 * VMs always sum to `total`, and the same input always gives the same counts. Percentages must sum to 100; weights
 * are any positive numbers. `where` prefixes messages (`virtwork.yaml: fleets.mixed`); a member's share is named
 * `<where>.mix.<member>.share`. Fails when a member gets 0 counts, more than MAX_INSTANCE_VMS per role, or when VMs
 * are left that no member's next count fits in (only two-VM members and an odd total, say).
 */
export function mixCounts(where: string, total: number, members: readonly ShareOf[]): MixCount[] {
  return roundMix(where, total, parseMix(where, total, members), members.map((m) => ({ vms: m.vms ?? ONE_VM_PER_COUNT, workload: m.workload })));
}

/** The checks of {@link mixCounts} that need no workload: the total, the member names and the shares. */
export function parseMix(where: string, total: number, members: readonly ShareOf[]): MixShare[] {
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
  return parsed.map((p) => ({ name: p.name, fraction: p.value / sum, shown: formatShare(p) }));
}

/** The rounding of {@link mixCounts}: `shares` from parseMix, and per member how its VMs follow its count. */
export function roundMix(where: string, total: number, shares: readonly MixShare[], of: readonly { readonly vms: VmsPerCount; readonly workload?: string }[]): MixCount[] {
  const shapes = of.map((o, i) => {
    const { perCount, fixed } = o.vms;
    if (!Number.isInteger(perCount) || perCount < 1 || !Number.isInteger(fixed) || fixed < 0) {
      throw new VirtworkError(`${where}.mix.${shares[i].name}: ${o.workload ?? 'its workload'} has ${fixed} VMs whatever its vm-count (every role has a vm-count of its own), so it cannot take a share of a mix; give it a workloads entry instead`);
    }
    return o.vms;
  });
  const vmsOf = (i: number, count: number) => (count === 0 ? 0 : shapes[i].fixed + shapes[i].perCount * count);
  const quotas = shares.map((s) => s.fraction * total);
  const counts = quotas.map((q, i) => (q + 1e-9 >= vmsOf(i, 1) ? 1 + Math.floor((q - vmsOf(i, 1)) / shapes[i].perCount + 1e-9) : 0));
  let left = total - counts.reduce((n, c, i) => n + vmsOf(i, c), 0);
  const rest = (i: number) => quotas[i] - vmsOf(i, counts[i]);
  const next = (i: number) => vmsOf(i, counts[i] + 1) - vmsOf(i, counts[i]);
  // One count at a time to the largest remainder that fits. Every member's remainder is below its next count, so the
  // first round is one pass in remainder order (a member served goes below every member not served yet); only a
  // member whose next count did not fit can leave VMs for another round, fewer than its next count.
  const order = quotas.map((_, i) => i).sort((a, b) => rest(b) - rest(a) || a - b);
  for (const i of order) {
    if (next(i) <= left) {
      left -= next(i);
      counts[i]++;
    }
  }
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < counts.length; i++) if (next(i) <= left && (best < 0 || rest(i) > rest(best) + 1e-9)) best = i;
    if (best < 0) {
      const steps = shares.map((s, i) => `${s.name}${of[i].workload ? ` (${of[i].workload})` : ''} +${next(i)}`).join(', ');
      throw new VirtworkError(`${where}.vm-count: ${total} VMs do not split into whole instances: ${left} VM${left === 1 ? ' is' : 's are'} left that no member's next count fits in (VMs per count: ${steps}); change vm-count or add a member of a one-VM workload`);
    }
    left -= next(best);
    counts[best]++;
  }
  return shares.map((s, i) => {
    const what = of[i].workload !== undefined && vmsOf(i, 1) > 1 ? ` (one ${of[i].workload} instance is at least ${vmsOf(i, 1)} VMs)` : '';
    if (counts[i] === 0) {
      throw new VirtworkError(`${where}.mix.${s.name}.share: ${s.shown} of ${total} VMs rounds to 0 VMs${what}; raise the share or the fleet's vm-count, or drop the member`);
    }
    if (counts[i] > MAX_INSTANCE_VMS) {
      throw new VirtworkError(`${where}.mix.${s.name}.share: ${s.shown} of ${total} VMs is ${vmsOf(i, counts[i])} VMs, a vm-count of ${counts[i]}, over the ${MAX_INSTANCE_VMS} of one instance; split it into several members`);
    }
    return { name: s.name, fraction: s.fraction, count: counts[i], vms: vmsOf(i, counts[i]) };
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
