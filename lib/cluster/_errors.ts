import * as k8s from '@kubernetes/client-node';

/** The HTTP status of an API error, or undefined for transport errors. */
export function httpStatus(err: unknown): number | undefined {
  if (err instanceof k8s.ApiException) return err.code;
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The `Status` object the server answered with, when it answered with one. */
export function statusBody(err: unknown): k8s.V1Status | undefined {
  if (!(err instanceof k8s.ApiException)) return undefined;
  const body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as k8s.V1Status;
    } catch {
      return { message: body.trim() } as k8s.V1Status;
    }
  }
  return body && typeof body === 'object' ? (body as k8s.V1Status) : undefined;
}

/** The transport error code (`ECONNRESET`, `ECONNREFUSED`…) of a failed request, if any. */
export function transportCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    const erroredSysCall = (e as { erroredSysCall?: unknown }).erroredSysCall;
    if (typeof erroredSysCall === 'string') return 'ESYSCALL';
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/socket hang up/i.test(message)) return 'ECONNRESET';
  return undefined;
}

/** True for an aborted request (our per-request timeout, or cancellation). */
export function isAbort(err: unknown): boolean {
  const name = (err as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

const TRANSPORT_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

/**
 * One line describing why a request failed: the server's own message for API errors (prefixed with a word for
 * the common statuses), or what happened to the connection.
 */
export function describeError(err: unknown): string {
  const status = httpStatus(err);
  if (status !== undefined) {
    const body = statusBody(err);
    const message = (body?.message ?? '').trim() || (err instanceof Error ? err.message : String(err));
    const word = STATUS_WORDS[status];
    return word && !message.toLowerCase().startsWith(word) ? `${word}: ${message}` : message;
  }
  if (isAbort(err)) return 'request timed out';
  const code = transportCode(err);
  const text = err instanceof Error ? err.message : String(err);
  if (code && TRANSPORT_WORDS[code]) return `${TRANSPORT_WORDS[code]} (${text})`;
  return text;
}

const STATUS_WORDS: Record<number, string> = {
  401: 'unauthorized (the credentials of the kubeconfig were rejected)',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  422: 'invalid',
  429: 'too many requests',
};
