import { z } from 'zod';
import { VirtworkError, show } from '../core/errors';
import { ExpectedSignal } from '../signals/contract';
import { Sample } from './prometheus-client';
import { RunSignals, signalQuery } from '../monitoring/run-signals';
import { SIGNAL_KINDS, SIGNAL_KIND_IDS, SignalKindId } from '../signals/signal-kinds';

/** What one VM's expected signal showed. */
export type SignalStatus = 'ok' | 'flat' | 'missing';

/** One row of the check: a VM × signal. */
export interface SignalResult {
  readonly workload: string;
  readonly vm: string;
  readonly role?: string;
  readonly signal: SignalKindId;
  /** Value over the window; undefined when Prometheus has no series for the VM. */
  readonly value?: number;
  /** Floor; undefined for presence-only signals. */
  readonly min?: number;
  readonly unit: string;
  readonly windowSeconds: number;
  readonly status: SignalStatus;
}

const SIGNAL = z.object({
  kind: z.enum(SIGNAL_KIND_IDS as [SignalKindId, ...SignalKindId[]]),
  role: z.string().optional(),
  min: z.number().optional(),
  windowSeconds: z.int().positive(),
  matchers: z.record(z.string(), z.string()).optional(),
  basis: z.string(),
  activeSeconds: z.number().optional(),
  vms: z.array(z.string()),
  query: z.string(),
});
const CONTRACT = z.object({
  runId: z.string(),
  namespace: z.string(),
  workloads: z.array(z.object({
    workload: z.string(),
    type: z.string(),
    vms: z.array(z.object({ name: z.string(), role: z.string().optional() })),
    signals: z.array(SIGNAL),
  })),
});

/** Parses the contract JSON of the `virtwork-signals-contract` ConfigMap; `where` names it in errors. */
export function parseContract(text: string, where: string): RunSignals {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new VirtworkError(`${where}: not JSON (${(err as Error).message})`);
  }
  const parsed = CONTRACT.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VirtworkError(`${where}: ${issue.path.join('.') || 'contract'}: ${issue.message} (synthesize again with the same virtwork version)`);
  }
  return parsed.data;
}

/**
 * Checks every expected signal of every VM of the run: one instant query per workload signal (all its VMs at once),
 * each VM's value compared with the floor. `windowSeconds` overrides every signal's own window (short test runs).
 */
export async function checkSignals(
  run: RunSignals,
  query: (expr: string) => Promise<Sample[]>,
  o: { readonly windowSeconds?: number } = {},
): Promise<SignalResult[]> {
  const results: SignalResult[] = [];
  for (const w of run.workloads) {
    for (const s of w.signals) {
      const windowSeconds = o.windowSeconds ?? s.windowSeconds;
      const expr = o.windowSeconds === undefined ? s.query : signalQuery(s, run.namespace, s.vms, windowSeconds);
      const samples = await query(expr);
      for (const vm of s.vms) {
        const sample = samples.find((x) => x.labels.name === vm && (x.labels.namespace ?? run.namespace) === run.namespace);
        const value = sample && Number.isFinite(sample.value) ? sample.value : undefined;
        results.push({
          workload: w.workload, vm, ...(s.role !== undefined ? { role: s.role } : {}), signal: s.kind, value,
          ...(s.min !== undefined ? { min: s.min } : {}), unit: SIGNAL_KINDS[s.kind].unit, windowSeconds, status: statusOf(value, s),
        });
      }
    }
  }
  return results;
}

function statusOf(value: number | undefined, s: Pick<ExpectedSignal, 'min'>): SignalStatus {
  if (value === undefined) return 'missing';
  return s.min === undefined || value >= s.min ? 'ok' : 'flat';
}

/** The contract of a run from the objects of a manifest directory (the contract ConfigMap `name`, key `key`). */
export function contractFromObjects(
  objects: readonly { kind?: string; metadata?: { name?: string }; data?: Record<string, unknown> }[],
  name: string,
  key: string,
  where: string,
): RunSignals {
  const cm = objects.find((obj) => obj.kind === 'ConfigMap' && obj.metadata?.name === name);
  if (!cm) {
    throw new VirtworkError(`${where} holds no ConfigMap ${show(name)}: synthesize with signals enabled (virtwork synth --signals true) and check that directory`);
  }
  const text = cm.data?.[key];
  if (typeof text !== 'string') throw new VirtworkError(`${where}: ConfigMap ${show(name)} has no data key ${show(key)}`);
  return parseContract(text, `${where}: ConfigMap ${name} ${key}`);
}
