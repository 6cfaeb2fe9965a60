import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { runBin } from './_bin';
import { scratchDir } from './_run';

/**
 * The documented deadline of a request the server never answers (docs/apply.md, "Deadlines"): 3 attempts of at most
 * --request-timeout each, plus the backoff between them (at most 0.2 s + 0.4 s).
 */
const deadlineMs = (requestTimeoutMs: number) => 3 * requestTimeoutMs + 600;
/** Timer and exit latency on a busy machine, on top of the deadline (counted from the first connection, after start-up). */
const SLACK_MS = 2_000;

describe('virtwork-apply against an API server that accepts connections and never answers (a real TCP server on loopback)', () => {
  let server: net.Server;
  let dir: string;
  let kubeconfig: string;
  let manifest: string;
  const sockets = new Set<net.Socket>();
  let firstConnectionAt: number | undefined;
  beforeAll(async () => {
    // GIVEN a server that accepts every connection and never sends a byte (no TLS handshake, no answer)
    server = net.createServer((socket) => {
      firstConnectionAt ??= Date.now();
      sockets.add(socket);
      socket.on('data', () => undefined).on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    dir = scratchDir('deadline');
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: silent',
      `clusters: [{name: silent, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: not-a-secret}}]',
      'contexts: [{name: silent, context: {cluster: silent, user: u}}]', '',
    ].join('\n'));
    manifest = path.join(dir, 'namespace.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: silent\n');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints each retry and exits 1 within the documented deadline with one final line', async () => {
    // WHEN applied with a 2 s request timeout
    firstConnectionAt = undefined;
    const run = await runBin(['--kubeconfig', kubeconfig, '--no-audit', '--request-timeout', '2s', 'apply', manifest]);
    // THEN it gave up after 3 attempts, within the deadline
    expect(run.code).toBe(1);
    const waited = run.endedAt - firstConnectionAt!;
    expect(waited).toBeGreaterThanOrEqual(3 * 2000);
    expect(waited).toBeLessThan(deadlineMs(2000) + SLACK_MS);
    // AND stderr holds the two retries and one line saying what had no answer
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^virtwork-apply: retry 1\/2 in 0\.\ds: discovering Namespace \(v1\): (request timed out|connection timed out \(no connection within 2s\))$/),
      expect.stringMatching(/^virtwork-apply: retry 2\/2 in 0\.\ds: discovering Namespace \(v1\): /),
      expect.stringMatching(/^virtwork-apply: discovering Namespace \(v1\): no answer from the cluster at https:\/\/127\.0\.0\.1:\d+ \(context "silent"\): .*, after 3 attempts of at most 2s each$/),
    ]);
  }, 60_000);

  it('with -o json: each retry is an event on stdout, and stderr is the one final line', async () => {
    firstConnectionAt = undefined;
    const run = await runBin(['--kubeconfig', kubeconfig, '--no-audit', '--request-timeout', '1s', '-o', 'json', 'status']);
    expect(run.code).toBe(1);
    expect(run.endedAt - firstConnectionAt!).toBeLessThan(deadlineMs(1000) + SLACK_MS);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event !== 'namespace');
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) expect(e).toMatchObject({ event: 'retry', attempt: expect.any(Number), attempts: 3, delayMs: expect.any(Number), what: expect.any(String) });
    expect(run.stderr).toMatch(/^virtwork-apply: [^\n]*no answer from the cluster at [^\n]*after 3 attempts of at most 1s each\n$/);
  }, 60_000);
});
