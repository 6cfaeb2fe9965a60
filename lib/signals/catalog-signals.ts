import { z } from 'zod';
import { VirtworkError, show } from '../core/errors';
import { ExpectedSignal, MIN_WINDOW_SECONDS } from './contract';
import { SIGNAL_KIND_IDS, SignalKindId } from './signal-kinds';

/** The `signals:` list of a catalog entry's workload.yaml: the series its VMs must move, with fixed floors. */
export const CATALOG_SIGNAL_SHAPE = {
  kind: z.enum(SIGNAL_KIND_IDS as [SignalKindId, ...SignalKindId[]]),
  role: z.string().optional(),
  min: z.number().nonnegative().optional(),
  per: z.string().optional(),
  'window-seconds': z.int().min(60).max(86400).optional(),
  description: z.string().optional(),
};

/** One entry of a catalog manifest's `signals:` list as parsed. */
export type CatalogSignalSpec = z.infer<z.ZodObject<typeof CATALOG_SIGNAL_SHAPE>>;

/**
 * Problems of a manifest's `signals:` list that the schema cannot see: every role must be one of the entry's roles,
 * and `per` must name an int param of the entry (and come with a `min`). Each problem names the field (`signals[1].role`).
 */
export function catalogSignalProblems(
  signals: readonly CatalogSignalSpec[] | undefined,
  roles: readonly string[] | undefined,
  params: readonly { readonly key: string; readonly type: string }[] = [],
): string[] {
  return (signals ?? []).flatMap((s, i) => {
    const problems: string[] = [];
    if (s.role !== undefined && !roles?.includes(s.role)) {
      problems.push(`signals[${i}].role: ${show(s.role)} is not a role of this entry (${roles?.length ? `roles: ${roles.join(', ')}` : 'it has no roles'})`);
    }
    if (s.per !== undefined) {
      const ints = params.filter((p) => p.type === 'int').map((p) => p.key);
      if (!ints.includes(s.per)) problems.push(`signals[${i}].per: ${show(s.per)} is not an int param of this entry (int params: ${ints.join(', ') || 'none'})`);
      if (s.min === undefined) problems.push(`signals[${i}].per: needs a min (the floor per unit of ${show(s.per)})`);
    }
    return problems;
  });
}

/**
 * The expected signals of a catalog entry with its resolved params: floors as given, times the param named by `per`
 * when there is one (no min: the series only has to exist).
 */
export function catalogExpectedSignals(signals: readonly CatalogSignalSpec[] | undefined, params: Readonly<Record<string, unknown>> = {}): ExpectedSignal[] {
  return (signals ?? []).map((s) => {
    const factor = s.per === undefined ? 1 : Number(params[s.per]);
    if (!Number.isFinite(factor)) throw new VirtworkError(`signals: per ${show(s.per)}: the param has no numeric value`);
    const min = s.min === undefined ? undefined : Number((s.min * factor).toPrecision(6));
    const given = s.per === undefined ? 'floor given by the catalog entry' : `${s.min} per unit of ${s.per} (${factor})`;
    return {
      kind: s.kind,
      ...(s.role !== undefined ? { role: s.role } : {}),
      ...(min !== undefined ? { min } : {}),
      windowSeconds: s['window-seconds'] ?? MIN_WINDOW_SECONDS,
      basis: s.min === undefined ? (s.description ?? 'present (catalog entry)') : `${s.description ? `${s.description}: ` : ''}${given}`,
    };
  });
}
