import * as k8s from '@kubernetes/client-node';
import * as http from 'node:http';
import * as https from 'node:https';

/**
 * client-node's HTTP transport on Node's own http/https modules. Its default transport (node-fetch 2) reports
 * "Premature close" for responses read on a reused keep-alive connection, so it cannot share a connection pool;
 * this one can: it sends through the agent the request carries (our keep-alive pool), honours its AbortSignal and
 * reads the whole body before answering.
 */
export class NodeHttpLibrary implements k8s.PromiseHttpLibrary {
  /** @param connectTimeoutMs time limit of opening a new connection (TCP and TLS handshake); a reused one has none */
  public constructor(private readonly connectTimeoutMs: number = 10_000) {}

  public send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
    return new Promise((resolve, reject) => {
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
