import * as k8s from '@kubernetes/client-node';
import * as http from 'node:http';
import * as https from 'node:https';

/** Limits of every request a {@link NodeHttpLibrary} sends. */
export interface RequestLimits {
  /** Aborts every request in flight and every later one. */
  readonly signal: AbortSignal;
  /** Time limit of one request, from sending it to the last byte of the answer, in milliseconds. */
  readonly timeoutMs: number;
}

/** The error of an aborted request, as Node's own `signal` option makes it (`AbortError`, the reason as its cause). */
function abortError(cause: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * client-node's HTTP transport on Node's own http/https modules. Its default transport (node-fetch 2) reports
 * "Premature close" for responses read on a reused keep-alive connection, so it cannot share a connection pool;
 * this one can: it sends through the agent the request carries (our keep-alive pool), honours its AbortSignal and
 * reads the whole body before answering. With `limits`, every request also ends at the time limit or when the signal
 * aborts, with the error an `AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])` would give it, for a timer
 * and one listener instead of two signals and their listeners per request.
 */
export class NodeHttpLibrary implements k8s.PromiseHttpLibrary {
  private readonly inFlight = new Set<http.ClientRequest>();

  /** @param connectTimeoutMs time limit of opening a new connection (TCP and TLS handshake); a reused one has none */
  public constructor(private readonly connectTimeoutMs: number = 10_000, private readonly limits?: RequestLimits) {
    limits?.signal.addEventListener('abort', () => {
      for (const req of this.inFlight) req.destroy(abortError(limits.signal.reason));
    }, { once: true });
  }

  public send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
    return new Promise((resolve, reject) => {
      if (this.limits?.signal.aborted) return reject(abortError(this.limits.signal.reason));
      const url = new URL(request.getUrl());
      const transport = url.protocol === 'http:' ? http : https;
      const body = request.getBody() as string | Buffer | undefined;
      const headers: Record<string, string | number> = { ...request.getHeaders() };
      // A known length, not a chunked body: the API server then never mistakes body bytes for the next request.
      if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
      const req = transport.request(url, {
        method: request.getHttpMethod().toString(),
        headers,
        agent: request.getAgent(),
        signal: request.getSignal(),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (!res.complete) return reject(Object.assign(new Error('connection closed before the whole answer arrived'), { code: 'ECONNRESET' }));
          const data = Buffer.concat(chunks);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve(new k8s.ResponseContext(res.statusCode ?? 0, headers, { text: async () => data.toString('utf8'), binary: async () => data }));
        });
      });
      req.on('error', reject);
      if (this.limits) {
        const { timeoutMs } = this.limits;
        const timer = setTimeout(() => req.destroy(abortError(new DOMException(`no answer within ${timeoutMs / 1000}s`, 'TimeoutError'))), timeoutMs);
        this.inFlight.add(req);
        req.once('close', () => {
          clearTimeout(timer);
          this.inFlight.delete(req);
        });
      }
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const seconds = this.connectTimeoutMs / 1000;
        const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no connection within ${seconds}s`), { code: 'ETIMEDOUT' })), this.connectTimeoutMs);
        socket.once(url.protocol === 'http:' ? 'connect' : 'secureConnect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.end(body);
    });
  }
}
