import { request } from 'node:http';
import { createConnection } from 'node:net';
import { GuestAgent } from './qga';

/** A VMI readinessProbe as the manifests carry it (KubeVirt's Probe: exec, httpGet or tcpSocket, and timings). */
export interface Probe {
  readonly exec?: { readonly command: readonly string[] };
  readonly httpGet?: { readonly path?: string; readonly port: number | string; readonly host?: string; readonly scheme?: string; readonly httpHeaders?: ReadonlyArray<{ name: string; value: string }> };
  readonly tcpSocket?: { readonly port: number | string; readonly host?: string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

/** One probe attempt's outcome. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** What a probe reaches the guest through: its agent, and the 127.0.0.1 port forwarded to a guest port. */
export interface ProbeTarget {
  readonly agent: GuestAgent;
  readonly hostPort: (guestPort: number) => number;
}

/** The guest TCP port an httpGet / tcpSocket probe needs forwarded (none for exec). */
export function probePort(p: Probe): number | undefined {
  const port = p.httpGet?.port ?? p.tcpSocket?.port;
  if (port === undefined) return undefined;
  if (typeof port !== 'number') throw new Error(`probe port ${JSON.stringify(port)}: named ports need a container port list, which a VMI has not`);
  return port;
}

/**
 * Runs a probe once as KubeVirt would. exec: virt-launcher runs the command through the guest agent's `guest-exec`,
 * success is exit status 0 within timeoutSeconds. httpGet / tcpSocket: kubelet connects to the VMI's IP (with
 * masquerade, forwarded into the guest; here the 127.0.0.1 hostfwd), success is a 2xx/3xx status or an accepted
 * connection within timeoutSeconds.
 */
export async function runProbe(p: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  try {
    if (p.exec) {
      const r = await target.agent.exec(p.exec.command, timeoutMs);
      return { ok: r.exitcode === 0, detail: `exit ${r.exitcode}${r.stdout || r.stderr ? `: ${(r.stdout + r.stderr).trim().slice(0, 300)}` : ''}` };
    }
    if (p.httpGet) return await httpGet(p.httpGet, target.hostPort(probePort(p)!), timeoutMs);
    if (p.tcpSocket) return await tcpConnect(target.hostPort(probePort(p)!), timeoutMs);
    return { ok: false, detail: 'probe has no exec, httpGet or tcpSocket' };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

function httpGet(g: NonNullable<Probe['httpGet']>, port: number, timeoutMs: number): Promise<ProbeResult> {
  if ((g.scheme ?? 'HTTP') !== 'HTTP') return Promise.resolve({ ok: false, detail: `scheme ${g.scheme} not supported by the tier` });
  return new Promise((resolve) => {
    const headers = Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const req = request({ host: '127.0.0.1', port, path: g.path ?? '/', method: 'GET', headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, detail: `HTTP ${code}: ${body.trim().slice(0, 300)}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}

function tcpConnect(port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port, timeout: timeoutMs });
    // slirp accepts the host side of a forward even when nothing listens in the guest, then closes it at once;
    // a real listener keeps the connection open, so wait a moment for a close before calling it accepted
    s.once('connect', () => setTimeout(() => { const open = !s.destroyed && s.readyState === 'open'; s.destroy(); resolve({ ok: open, detail: open ? 'connected' : 'closed by the guest' }); }, 300));
    s.once('close', () => resolve({ ok: false, detail: 'connection closed' }));
    s.once('timeout', () => { s.destroy(); resolve({ ok: false, detail: `no connection within ${timeoutMs} ms` }); });
    s.once('error', (e) => resolve({ ok: false, detail: e.message }));
  });
}

/**
 * Probes every `everyMs` (KubeVirt uses periodSeconds; the tier probes more often to measure Ready closely) until one
 * attempt succeeds or `timeoutMs` passes. Returns ms until Ready, or undefined with the last failure.
 */
export async function waitReady(p: Probe, target: ProbeTarget, timeoutMs: number, everyMs = 5000): Promise<{ readyAfterMs?: number; last: ProbeResult; attempts: number }> {
  const start = Date.now();
  let last: ProbeResult = { ok: false, detail: 'not probed' };
  let attempts = 0;
  while (Date.now() - start < timeoutMs) {
    attempts++;
    last = await runProbe(p, target);
    if (last.ok) return { readyAfterMs: Date.now() - start, last, attempts };
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return { last, attempts };
}
