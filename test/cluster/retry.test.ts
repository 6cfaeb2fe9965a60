import * as k8s from '@kubernetes/client-node';
import { CancelledError } from '../../lib/cluster/_cancelled';
import { attemptsOf, backoffMs, isTransient, retryAfterMs, withRetry } from '../../lib/cluster/retry';

const api = (code: number, body: object = {}, headers: Record<string, string> = {}) => new k8s.ApiException(code, 'x', JSON.stringify(body), headers);
const transport = (code: string) => Object.assign(new Error(`request failed, reason: ${code}`), { code });

describe('isTransient', () => {
  it.each([
    ['429', api(429), true],
    ['500', api(500), true],
    ['503', api(503), true],
    ['504', api(504), true],
    ['a server timeout (reason)', api(400, { reason: 'ServerTimeout' }), true],
    ['a connection reset', transport('ECONNRESET'), true],
    ['socket hang up', new Error('socket hang up'), true],
    ['a request timeout (abort)', Object.assign(new Error('aborted'), { name: 'AbortError' }), true],
    ['400', api(400), false],
    ['403', api(403), false],
    ['404', api(404), false],
    ['409 conflict', api(409), false],
    ['422 invalid', api(422), false],
    ['a schema error reported as 500', api(500, { message: 'failed to create typed patch object (ns/x): .spec: expected numeric' }), false],
    ['connection refused', transport('ECONNREFUSED'), false],
    ['a plain error', new Error('boom'), false],
  ])('%s → %s', (_, err, transient) => {
    expect(isTransient(err)).toBe(transient);
  });
});

describe('retryAfterMs and backoffMs', () => {
  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs(api(429, {}, { 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(api(429, {}, { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(api(429))).toBeUndefined();
  });

  it('honours Retry-After up to the cap, else backs off exponentially with jitter in [ceiling/2, ceiling]', () => {
    expect(backoffMs(1, api(429, {}, { 'retry-after': '2' }))).toBe(2000);
    expect(backoffMs(1, api(429, {}, { 'retry-after': '600' }), { maxDelayMs: 10_000 })).toBe(10_000);
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, api(500), { ...policy, random: () => 0 }))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, api(500), { ...policy, random: () => 0.999999 }))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe('withRetry', () => {
  const noSleep = { sleep: async () => undefined };

  it('retries transient failures until success', async () => {
    const failures = [api(503), transport('ECONNRESET'), api(429)];
    const request = jest.fn(async () => {
      const next = failures.shift();
      if (next) throw next;
      return 'ok';
    });
    const retries: number[] = [];
    await expect(withRetry(request, { ...noSleep, onRetry: (attempt) => retries.push(attempt) })).resolves.toBe('ok');
    expect(request).toHaveBeenCalledTimes(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('fails at once on a non-transient error', async () => {
    const request = jest.fn(async () => {
      throw api(403);
    });
    await expect(withRetry(request, noSleep)).rejects.toMatchObject({ code: 403 });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const request = jest.fn(async () => {
      throw api(500);
    });
    await expect(withRetry(request, { ...noSleep, maxAttempts: 3 })).rejects.toMatchObject({ code: 500 });
    expect(request).toHaveBeenCalledTimes(3);
  });

  it('stops with CancelledError when the signal aborts during the backoff', async () => {
    const controller = new AbortController();
    const request = jest.fn(async () => {
      throw api(503);
    });
    const running = withRetry(request, { signal: controller.signal, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    setTimeout(() => controller.abort(), 10);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('gives a request the server never answers 3 attempts (not 8), and says how many it made', async () => {
    const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const request = jest.fn(async () => {
      throw timeout();
    });
    const heard: number[][] = [];
    const err = await withRetry(request, { ...noSleep, onRetry: (attempt, _d, _e, attempts) => heard.push([attempt, attempts]) }).catch((e: unknown) => e);
    expect(request).toHaveBeenCalledTimes(3);
    expect(heard).toEqual([[1, 3], [2, 3]]);
    expect(attemptsOf(err)).toBe(3);
    // a 503 keeps the full 8 attempts
    const busy = jest.fn(async () => {
      throw api(503);
    });
    expect(attemptsOf(await withRetry(busy, noSleep).catch((e: unknown) => e))).toBe(8);
  });
});
