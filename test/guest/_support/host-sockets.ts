import { readFileSync } from 'node:fs';

/** TCP states of /proc/net/tcp (include/net/tcp_states.h). */
const STATES: Readonly<Record<string, string>> = { '01': 'ESTABLISHED', '02': 'SYN_SENT', '06': 'TIME_WAIT', '08': 'CLOSE_WAIT', '0A': 'LISTEN' };

/** The host's TCP sockets whose local port is `port` (IPv4 and IPv6), by state name; read from /proc, nothing connects. */
export function localSocketStates(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[1].split(':')[1] !== hex) continue;
      out.push(STATES[f[3]] ?? `state ${f[3]}`);
    }
  }
  return out;
}

/**
 * Waits until a socket with local port `port` is in `state` (polling /proc/net/tcp, which never disturbs a qemu
 * socket netdev the way a probing connect would); rejects after `timeoutMs` naming what was seen.
 */
export async function waitForLocalSocket(port: number, state: 'LISTEN' | 'ESTABLISHED', timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = localSocketStates(port);
    if (seen.includes(state)) return;
    if (Date.now() > deadline) throw new Error(`${what}: no ${state} socket on 127.0.0.1:${port} after ${timeoutMs} ms (seen: ${seen.join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
