import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** One request the proxy received. */
export interface ProxiedRequest {
  readonly method: string;
  /** URL path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** `watch=true` was asked. */
  readonly watch: boolean;
  /** 0-based arrival number. */
  readonly index: number;
  /** How many requests with the same method and path came before this one. */
  readonly attempt: number;
  /** Arrival time (Date.now()). */
  readonly at: number;
}

/**
 * What to do to a request: answer with a status (and Retry-After), reset the connection before forwarding it or
 * after the server answered (the change is made, the answer lost), delay the answer, or end a watch with a
 * `410 Gone` ERROR event.
 */
export type Fault =
  | { readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly reset: 'before' | 'after' }
  | { readonly delayMs: number }
  | { readonly watchGone: true }
  | { readonly cutWatchAfterMs: number };

/** Decides the fault of a request, or none. */
export type FaultSchedule = (req: ProxiedRequest) => Fault | undefined;

/** A running proxy. */
export interface FaultProxy {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** A kubeconfig (context `admin`) that talks to the API server through the proxy. */
  readonly kubeconfigPath: string;
  /** Every request so far, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** The faults injected so far, with the request they hit. */
  readonly injected: Array<{ request: ProxiedRequest; fault: Fault }>;
  /** Replaces the schedule (and forgets the requests seen when `reset`). */
  setSchedule(schedule: FaultSchedule | undefined, reset?: boolean): void;
  /** Requests grouped by `METHOD path` (watches as `WATCH path`). */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

/**
 * A small HTTPS reverse proxy in front of the test API server that injects faults on a schedule and counts
 * requests. Its certificate is self-signed for 127.0.0.1 (made with openssl); the kubeconfig it writes trusts it
 * and carries the upstream user's token.
 */
export async function startFaultProxy(upstreamKubeconfig: string, context = 'admin'): Promise<FaultProxy> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(upstreamKubeconfig);
  kc.setCurrentContext(context);
  const upstream = new URL(kc.getCurrentCluster()!.server);
  const upstreamCa = Buffer.from(kc.getCurrentCluster()!.caData ?? '', 'base64');
  const agent = new https.Agent({ ca: upstreamCa, keepAlive: true, maxSockets: 64 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtwork-fault-proxy-'));
  const { key, cert } = selfSigned(dir);

  const requests: ProxiedRequest[] = [];
  const injected: Array<{ request: ProxiedRequest; fault: Fault }> = [];
  const attempts = new Map<string, number>();
  let schedule: FaultSchedule | undefined;
  const sockets = new Set<net.Socket>();

  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://proxy');
    const id = `${req.method} ${url.pathname}`;
    const attempt = attempts.get(id) ?? 0;
    attempts.set(id, attempt + 1);
    const request: ProxiedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, watch: url.searchParams.get('watch') === 'true',
      index: requests.length, attempt, at: Date.now(),
    };
    requests.push(request);
    const fault = schedule?.(request);
    if (fault) injected.push({ request, fault });
    if (fault && 'status' in fault) {
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(JSON.stringify({
        kind: 'Status', apiVersion: 'v1', status: 'Failure', code: fault.status, message: `injected by the fault proxy (${fault.status})`,
        reason: fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'InternalError',
      }));
      return;
    }
    if (fault && 'reset' in fault && fault.reset === 'before') {
      req.socket.destroy();
      return;
    }
    if (fault && 'watchGone' in fault) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version (injected)' } })}\n`);
      return;
    }
    const upstreamReq = https.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent,
    }, (upstreamRes) => {
      if (fault && 'reset' in fault) {
        upstreamRes.resume();
        upstreamRes.on('end', () => req.socket.destroy());
        return;
      }
      const reply = (): void => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        if (fault && 'cutWatchAfterMs' in fault) setTimeout(() => req.socket.destroy(), fault.cutWatchAfterMs);
      };
      if (fault && 'delayMs' in fault) setTimeout(reply, fault.delayMs);
      else reply();
    });
    upstreamReq.on('error', () => req.socket.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const user = kc.getCurrentUser()!;
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'admin',
    clusters: [{ name: 'proxy', cluster: { server: url, 'certificate-authority-data': Buffer.from(cert).toString('base64') } }],
    users: [{ name: 'proxied', user: { token: user.token } }],
    contexts: [{ name: 'admin', context: { cluster: 'proxy', user: 'proxied' } }],
  }), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    requests,
    injected,
    setSchedule(next, reset = false) {
      schedule = next;
      if (reset) {
        requests.length = 0;
        injected.length = 0;
        attempts.clear();
      }
    },
    counts() {
      const counts = new Map<string, number>();
      for (const r of requests) {
        const key = `${r.watch ? 'WATCH' : r.method} ${r.path}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed certificate and key for 127.0.0.1. */
export function selfSigned(dir: string): { key: string; cert: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile,
    '-out', certFile, '-days', '1', '-subj', '/CN=virtwork-fault-proxy', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
}
