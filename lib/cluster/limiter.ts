import { CancelledError } from './_cancelled';

/**
 * Runs `task` over `items` with at most `concurrency` running at once and returns the results in input order.
 * The first failure stops new tasks from starting (those already running finish) and is rethrown once the running
 * ones settle; an aborted `signal` does the same with CancelledError.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      if (signal?.aborted) {
        failure = { error: new CancelledError() };
        return;
      }
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/**
 * Like {@link mapLimit} but never stops early: every item is tried and each outcome is returned, in input order.
 * Tasks not started because `signal` aborted are reported as CancelledError failures.
 */
export async function settleLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<Array<PromiseSettledResult<R>>> {
  return mapLimit(items, concurrency, async (item, index): Promise<PromiseSettledResult<R>> => {
    if (signal?.aborted) return { status: 'rejected', reason: new CancelledError() };
    try {
      return { status: 'fulfilled', value: await task(item, index) };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  });
}
