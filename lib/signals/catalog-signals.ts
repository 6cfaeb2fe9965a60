import { z } from 'zod';
import { show } from '../errors';
import { ExpectedSignal, MIN_WINDOW_SECONDS } from './contract';
import { SIGNAL_KIND_IDS, SignalKindId } from './signal-kinds';

/** The `signals:` list of a catalog entry's workload.yaml: the series its VMs must move, with fixed floors. */
export const CATALOG_SIGNAL_SHAPE = {
  kind: z.enum(SIGNAL_KIND_IDS as [SignalKindId, ...SignalKindId[]]),
  role: z.string().optional(),
  min: z.number().nonnegative().optional(),
  'window-seconds': z.int().min(60).max(86400).optional(),
  description: z.string().optional(),
};

/** One entry of a catalog manifest's `signals:` list as parsed. */
export type CatalogSignalSpec = z.infer<z.ZodObject<typeof CATALOG_SIGNAL_SHAPE>>;

/**
 * Problems of a manifest's `signals:` list that the schema cannot see: every role must be one of the entry's roles.
 * Each problem names the field (`signals[1].role`).
 */
export function catalogSignalProblems(signals: readonly CatalogSignalSpec[] | undefined, roles: readonly string[] | undefined): string[] {
  return (signals ?? []).flatMap((s, i) => {
    if (s.role === undefined || roles?.includes(s.role)) return [];
    return [`signals[${i}].role: ${show(s.role)} is not a role of this entry (${roles?.length ? `roles: ${roles.join(', ')}` : 'it has no roles'})`];
  });
}

/** The expected signals of a catalog entry: as declared, floors as given (no min: the series must exist). */
export function catalogExpectedSignals(signals: readonly CatalogSignalSpec[] | undefined): ExpectedSignal[] {
  return (signals ?? []).map((s) => ({
    kind: s.kind,
    ...(s.role !== undefined ? { role: s.role } : {}),
    ...(s.min !== undefined ? { min: s.min } : {}),
    windowSeconds: s['window-seconds'] ?? MIN_WINDOW_SECONDS,
    basis: s.description ?? (s.min === undefined ? 'present (catalog entry)' : 'floor given by the catalog entry'),
  }));
}
