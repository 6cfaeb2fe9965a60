import { httpStatus, isAbort, statusBody, transportCode } from './_errors';
import { CancelledError } from './_cancelled';

/** How requests are retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /**
   * Attempts in total, the first included.
   * @default 8
   */
  readonly maxAttempts?: number;
  /**
   * Attempts in total when the server does not answer at all (connect or response timeout): an API server that is
   * silent for a whole request timeout is not expected to answer the next attempt, so these end sooner.
   * @default 3
   */
  readonly unansweredAttempts?: number;
  /**
   * Delay before the first retry, in milliseconds (doubled each time, then jittered).
   * @default 200
   */
  readonly baseDelayMs?: number;
  /**
   * Longest delay between two attempts, in milliseconds (also caps a server's Retry-After).
   * @default 10000
   */
  readonly maxDelayMs?: number;
  /**
   * Source of randomness in [0, 1) for the jitter.
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * Waits `ms` or rejects with CancelledError when `signal` aborts.
   * @default a timer
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The policy virtwork-apply uses for every request. */
export const DEFAULT_RETRY: Required<Omit<RetryPolicy, 'random' | 'sleep'>> = { maxAttempts: 8, unansweredAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Transport errors worth a retry: the connection broke, not "nobody is listening". */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ESYSCALL']);

/**
 * The API server answers a server-side apply whose body does not fit the schema with a 500 and this message
 * (no reason): it is the caller's error, retrying cannot help.
 */
const SCHEMA_ERROR_AS_500 = /^failed to create typed patch object/;

/**
 * Whether a failed request is worth retrying: 429, 5xx (but a schema error reported as 500), a server timeout, a
 * request timeout or a broken connection. Everything else (4xx, connection refused, bad configuration) fails at once.
 */
export function isTransient(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined) {
    if (status === 429) return true;
    if (status >= 500) return !SCHEMA_ERROR_AS_500.test(statusBody(err)?.message ?? '');
    const reason = statusBody(err)?.reason;
    return reason === 'ServerTimeout' || reason === 'Timeout';
  }
  if (isAbort(err)) return true;
  const code = transportCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

const ATTEMPTS = Symbol('virtwork.attempts');

/** How many attempts {@link withRetry} made before giving up with `err` (1 when it did not go through it). */
export function attemptsOf(err: unknown): number {
  const n = (err as { [ATTEMPTS]?: unknown } | undefined)?.[ATTEMPTS];
  return typeof n === 'number' ? n : 1;
}

/** Whether a request failed because the server did not answer in time (connect or response timeout). */
export function isUnanswered(err: unknown): boolean {
  return httpStatus(err) === undefined && (isAbort(err) || transportCode(err) === 'ETIMEDOUT');
}

/** The server's Retry-After (seconds, or an HTTP date) in milliseconds, when it sent one. */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | undefined)?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The delay before retry number `attempt` (1-based): Retry-After when given, else full-jitter exponential backoff. */
export function backoffMs(attempt: number, err: unknown, policy: RetryPolicy = {}): number {
  const { baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...policy };
  const random = policy.random ?? Math.random;
  const retryAfter = retryAfterMs(err);
  if (retryAfter !== undefined) return Math.min(retryAfter, maxDelayMs);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `request` until it succeeds, retrying transient failures ({@link isTransient}) with backoff; rethrows the
 * last error after `maxAttempts`, any other error at once, and CancelledError once `signal` aborts.
 * `onRetry` hears about each retry (number of the attempt that failed, delay, error, attempts allowed for that error).
 * The error thrown carries the number of attempts made ({@link attemptsOf}).
 */
export async function withRetry<T>(
  request: () => Promise<T>,
  options: RetryPolicy & { signal?: AbortSignal; onRetry?: (attempt: number, delayMs: number, err: unknown, attempts: number) => void } = {},
): Promise<T> {
  const { maxAttempts, unansweredAttempts } = { ...DEFAULT_RETRY, ...options };
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      return await request();
    } catch (err) {
      if (options.signal?.aborted) throw new CancelledError();
      const attempts = isUnanswered(err) ? Math.min(maxAttempts, unansweredAttempts) : maxAttempts;
      if (!isTransient(err) || attempt >= attempts) {
        if (err !== null && typeof err === 'object') Object.assign(err, { [ATTEMPTS]: attempt });
        throw err;
      }
      const delay = backoffMs(attempt, err, options);
      options.onRetry?.(attempt, delay, err, attempts);
      await wait(delay, options.signal);
    }
  }
}
