import { VirtworkError, show } from '../core/errors';
import { checkInt } from '../core/quantity';
import { checkLabelValue } from '../core/names';
import { StorageOptions, isShared } from './storage';

/** How the VMs of one workload are spread over nodes. */
export const SPREAD_MODES = ['none', 'preferred', 'required'] as const;
/** `none`, `preferred` (pod anti-affinity, best effort) or `required` (at most one VM of the workload per node). */
export type Spread = (typeof SPREAD_MODES)[number];
/** KubeVirt's eviction strategies (what a node drain does to the VM). */
export const EVICTION_STRATEGIES = ['LiveMigrate', 'LiveMigrateIfPossible', 'None', 'External'] as const;
/** A KubeVirt eviction strategy. */
export type EvictionStrategy = (typeof EVICTION_STRATEGIES)[number];
/** The run strategies virtwork offers (KubeVirt's `Once` is left out: a workload VM is meant to keep running). */
export const RUN_STRATEGIES = ['Always', 'Halted', 'Manual', 'RerunOnFailure'] as const;
/** A KubeVirt run strategy. */
export type RunStrategy = (typeof RUN_STRATEGIES)[number];
/** Node label used to spread VMs over nodes. */
export const SPREAD_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** A toleration of node taints, as on a Pod. */
export interface Toleration {
  /** Taint key; leave out (with operator `Exists`) to tolerate every taint. */
  readonly key?: string;
  /**
   * `Equal` (key and value match) or `Exists` (key matches, any value).
   * @default 'Equal'
   */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value, with operator `Equal`. */
  readonly value?: string;
  /**
   * Taint effect to tolerate: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   * @default every effect
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** With `NoExecute`: seconds the VM may stay on a node after the taint appears. */
  readonly tolerationSeconds?: number;
}

/** Where VMs run and what happens to them on a node drain. */
export interface PlacementOptions {
  /** Node labels a node must carry to run the VM (`spec.template.spec.nodeSelector`). */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the VM tolerates. */
  readonly tolerations?: readonly Toleration[];
  /**
   * Spread the VMs of one workload (same run) over nodes with pod anti-affinity on `kubernetes.io/hostname`.
   * @default 'none'
   */
  readonly spread?: Spread;
  /**
   * What a node drain does to the VM.
   * @default 'LiveMigrate' when every PVC of the VM is ReadWriteMany (or there is none), else 'LiveMigrateIfPossible'
   */
  readonly evictionStrategy?: EvictionStrategy;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Checks a label key (`[prefix/]name`, the name at most 63 characters). */
export function checkLabelKey(what: string, key: string): string {
  const name = key.slice(key.indexOf('/') + 1);
  if (!QUALIFIED_NAME.test(key) || name.length > 63 || key.length - name.length > 254) {
    throw new VirtworkError(`${what} must be a label key like "node-role.kubernetes.io/worker" ([DNS prefix/]name, name at most 63 characters), got ${show(key)}`);
  }
  return key;
}

/** Checks a string option against a list of allowed values. */
export function checkOneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new VirtworkError(`${what} must be one of ${allowed.join(', ')}, got ${show(value)}`);
  return value as T;
}

/** Checks placement options; messages read `<where>: <field>`. */
export function checkPlacement(where: string, o: PlacementOptions): PlacementOptions {
  for (const [key, value] of Object.entries(o.nodeSelector ?? {})) {
    checkLabelKey(`${where}: nodeSelector key`, key);
    checkLabelValue(`${where}: nodeSelector[${show(key)}]`, value);
  }
  (o.tolerations ?? []).forEach((t, i) => checkToleration(`${where}: tolerations[${i}]`, t));
  if (o.spread !== undefined) checkOneOf(`${where}: spread`, o.spread, SPREAD_MODES);
  if (o.evictionStrategy !== undefined) checkOneOf(`${where}: evictionStrategy`, o.evictionStrategy, EVICTION_STRATEGIES);
  return o;
}

function checkToleration(where: string, t: Toleration): void {
  const operator = checkOneOf(`${where}.operator`, t.operator ?? 'Equal', ['Equal', 'Exists'] as const);
  if (t.key !== undefined) checkLabelKey(`${where}.key`, t.key);
  else if (operator !== 'Exists') throw new VirtworkError(`${where}: a toleration without a key must use operator "Exists" (it then tolerates every taint)`);
  if (operator === 'Exists' && t.value !== undefined) throw new VirtworkError(`${where}: operator "Exists" takes no value, got value ${show(t.value)}`);
  if (t.value !== undefined) checkLabelValue(`${where}.value`, t.value);
  if (t.effect !== undefined) checkOneOf(`${where}.effect`, t.effect, EFFECTS);
  if (t.tolerationSeconds !== undefined) {
    checkInt(`${where}.tolerationSeconds`, t.tolerationSeconds, 0);
    if (t.effect !== 'NoExecute') throw new VirtworkError(`${where}: tolerationSeconds applies only with effect "NoExecute", got effect ${show(t.effect)}`);
  }
}

/**
 * The eviction strategy of a VM whose PVC-backed disks have `pvcs` storage. A VM can live-migrate when no disk is a
 * PVC (containerDisk, cloud-init) or every PVC is ReadWriteMany; with access modes left to the StorageProfile
 * virtwork cannot know, so it asks for `LiveMigrateIfPossible`, which drains like `None` when migration is impossible.
 * An explicit `LiveMigrate` on storage that is known not to be shared is rejected: it would block node drains.
 */
export function evictionStrategyFor(where: string, chosen: EvictionStrategy | undefined, pvcs: readonly (StorageOptions & { readonly what: string })[]): EvictionStrategy {
  const unshared = pvcs.find((p) => !isShared(p));
  if (chosen === undefined) return unshared ? 'LiveMigrateIfPossible' : 'LiveMigrate';
  if (chosen === 'LiveMigrate' && unshared?.accessModes !== undefined) {
    throw new VirtworkError(
      `${where}: evictionStrategy "LiveMigrate" needs ReadWriteMany storage, but ${unshared.what} is ${unshared.accessModes.join(', ')} ` +
        `(a drain would be blocked); use "LiveMigrateIfPossible" or "None", or accessModes [ReadWriteMany]`,
    );
  }
  return chosen;
}

/** Pod anti-affinity that keeps VMs matching `selector` on different nodes (preferred or required). */
export function spreadAffinity(spread: Spread, selector: Readonly<Record<string, string>>): Record<string, unknown> | undefined {
  if (spread === 'none') return undefined;
  const term = { labelSelector: { matchLabels: { ...selector } }, topologyKey: SPREAD_TOPOLOGY_KEY };
  return spread === 'required'
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
    : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
}
