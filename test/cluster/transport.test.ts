import * as fs from 'node:fs';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as path from 'node:path';
import { describeError } from '../../lib/cluster/_errors';
import { VirtworkError } from '../../lib/core/errors';
import { connect } from '../../lib/cluster/kubeconfig';
import { isUnanswered } from '../../lib/cluster/retry';
import { selfSigned } from './_fault-proxy';
import { scratchDir } from './_run';

/** What the test server saw of one request. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  /** The client's port: one per connection. */
  readonly port: number;
}

const SECRETS = { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['create'] }] };
const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' } });

/**
 * The HTTP transport of every virtwork-apply request (lib/cluster/kubeconfig.ts, lib/cluster/_node-http.ts), against
 * a small HTTPS server that serves the discovery of Secrets, answers their dry-run creates, and never answers one
 * named `slow`.
 */
describe('the transport of virtwork-apply: credentials, pooled connections, time limit and cancellation of each request', () => {
  let dir: string;
  let server: https.Server;
  let ca: string;
  let url: string;
  const seen: Seen[] = [];
  beforeAll(async () => {
    dir = scratchDir('transport');
    const { key, cert } = selfSigned(dir);
    ca = cert;
    server = https.createServer({ key, cert }, (req, res) => {
      seen.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0], authorization: req.headers.authorization, port: (req.socket as net.Socket).remotePort ?? 0 });
      req.resume();
      if (req.method === 'GET' && req.url === '/api/v1') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SECRETS));
      } else if (req.method === 'POST' && req.url?.startsWith('/api/v1/namespaces/ns/secrets')) {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          if ((JSON.parse(body) as { metadata: { name: string } }).metadata.name === 'slow') return; // never answered
          res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
        });
      } else if (req.method === 'PATCH' && req.url?.startsWith('/api/v1/namespaces/ns/secrets/html')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to continue</body></html>\n');
      } else {
        res.writeHead(404).end();
      }
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    seen.length = 0;
  });

  /** A kubeconfig for the test server with `user` as its user. */
  const kubeconfig = (name: string, user: Record<string, unknown>): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
      users: [{ name: 'test', user }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
    }));
    return file;
  };

  it('authenticates every request with the token of the kubeconfig, the first and every later one, over a few kept-alive connections', async () => {
    // GIVEN a kubeconfig with a token, and a pool of 4 connections
    const cluster = connect({ kubeconfig: kubeconfig('token', { token: 't0k3n' }), maxSockets: 4 });
    // WHEN 40 requests are sent, 8 at a time
    for (let wave = 0; wave < 5; wave++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => cluster.objects.dryRunCreate(secret(`s-${wave}-${i}`), 'virtwork')));
    }
    // THEN each of them (and the discovery) carried the token, over at most 4 connections
    const creates = seen.filter((s) => s.method === 'POST');
    expect(creates).toHaveLength(40);
    expect(new Set(seen.map((s) => s.authorization))).toEqual(new Set(['Bearer t0k3n']));
    expect(new Set(seen.map((s) => s.port)).size).toBeLessThanOrEqual(4);
  });

  it('asks an exec plugin for credentials on every request, as it may hand out a new token each time', async () => {
    // GIVEN a kubeconfig whose user is an exec plugin that answers a new token (no expiry) each time it runs
    const plugin = path.join(dir, 'plugin.js');
    const count = path.join(dir, 'plugin-count');
    fs.writeFileSync(count, '');
    fs.writeFileSync(plugin, `const fs = require('fs');
fs.appendFileSync(${JSON.stringify(count)}, 'x');
const n = fs.readFileSync(${JSON.stringify(count)}, 'utf8').length;
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'exec-' + n } }));
`);
    const cluster = connect({ kubeconfig: kubeconfig('exec', {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin], interactiveMode: 'Never' },
    }) });
    // WHEN three requests are sent one after the other
    for (const name of ['a', 'b', 'c']) await cluster.objects.dryRunCreate(secret(name), 'virtwork');
    // THEN the plugin ran for each request, and each carried the token it answered that time
    const creates = seen.filter((s) => s.method === 'POST').map((s) => s.authorization);
    expect(creates).toHaveLength(3);
    expect(new Set(creates).size).toBe(3);
    expect(fs.readFileSync(count, 'utf8').length).toBe(seen.length);
  });

  it('ends a request at its time limit with the error the retry policy counts as unanswered', async () => {
    // GIVEN a request timeout of 0.3 s
    const cluster = connect({ kubeconfig: kubeconfig('timeout', { token: 't' }), requestTimeoutMs: 300 });
    await cluster.objects.dryRunCreate(secret('warm'), 'virtwork');
    // WHEN the server never answers
    const started = Date.now();
    const err = await cluster.objects.dryRunCreate(secret('slow'), 'virtwork').then(() => undefined, (e: unknown) => e);
    // THEN it fails after 0.3 s, as a timeout
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((err as Error).name).toBe('AbortError');
    expect(((err as Error).cause as Error).name).toBe('TimeoutError');
    expect(isUnanswered(err)).toBe(true);
    expect(describeError(err)).toBe('request timed out');
  });

  it('aborts the requests in flight when the command is cancelled, and sends none after', async () => {
    // GIVEN a request the server holds
    const controller = new AbortController();
    const cluster = connect({ kubeconfig: kubeconfig('cancel', { token: 't' }), signal: controller.signal, requestTimeoutMs: 30_000 });
    await cluster.objects.dryRunCreate(secret('warm'), 'virtwork');
    const held = cluster.objects.dryRunCreate(secret('slow'), 'virtwork').then(() => undefined, (e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // WHEN the command is cancelled
    const started = Date.now();
    controller.abort();
    // THEN the held request ends at once, aborted, and a later one is not sent
    const err = await held;
    expect(Date.now() - started).toBeLessThan(1000);
    expect((err as Error).name).toBe('AbortError');
    const before = seen.length;
    await expect(cluster.objects.dryRunCreate(secret('after'), 'virtwork')).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBe(before);
  });

  it('names the object and the start of the answer when a 2xx answer of an apply is not JSON', async () => {
    // GIVEN a server (a proxy, say) that answers an apply with an HTML page and 200
    const cluster = connect({ kubeconfig: kubeconfig('html', { token: 't' }) });
    // WHEN the object it answered is read
    const { stored } = await cluster.objects.serverSideApply(secret('html'), { fieldManager: 'virtwork' });
    // THEN the error says which object, what came back and what may be wrong, in words
    expect(stored).toThrow(VirtworkError);
    expect(stored).toThrow('the API server answered the apply of Secret ns/html with a body that is not JSON: "<html><body>Sign in to continue</body></html>" (is a proxy or a login page in the way?)');
  });

  it('leaves no timer behind once a request is answered', async () => {
    // GIVEN a request time limit no other timer of the process uses, and every timer set with it recorded
    const LIMIT = 61_237;
    const cluster = connect({ kubeconfig: kubeconfig('timers', { token: 't' }), requestTimeoutMs: LIMIT });
    await cluster.objects.dryRunCreate(secret('warm'), 'virtwork');
    const set = new Set<unknown>();
    const cleared = new Set<unknown>();
    const realSet = global.setTimeout;
    const realClear = global.clearTimeout;
    const setSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number, ...args: unknown[]) => {
      const timer = Reflect.apply(realSet, global, [fn, ms, ...args]) as NodeJS.Timeout;
      if (ms === LIMIT) set.add(timer);
      return timer;
    }) as typeof setTimeout);
    const clearSpy = jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
      if (set.has(timer)) cleared.add(timer);
      realClear(timer);
    });
    try {
      // WHEN 20 requests are answered
      await Promise.all(Array.from({ length: 20 }, (_, i) => cluster.objects.dryRunCreate(secret(`t-${i}`), 'virtwork')));
      // (each request's timer is cleared when the request closes, which may come a turn after its answer)
      for (let turn = 0; turn < 100 && cleared.size < set.size; turn++) await new Promise((resolve) => setImmediate(resolve));
      // THEN each of them set one time-limit timer, and each of those was cleared
      expect(set.size).toBe(20);
      expect([...set].filter((timer) => !cleared.has(timer)).length).toBe(0);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });
});
