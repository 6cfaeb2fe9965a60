import { WriteFile } from './cloud-init';
import { VirtworkError, show } from '../core/errors';
import { checkInt } from '../core/quantity';
import { execLine, renderUnit } from './systemd-unit';

/** TCP port of the guest's health responder (kubelet reaches it on the pod IP through the masquerade binding). */
export const HEALTH_PORT = 8099;
/** HTTP path the readiness probe asks. */
export const HEALTH_PATH = '/virtwork/ready';
/** Where workloads leave their heartbeats (tmpfs: a reboot starts with none, so a VM is Ready again only once the load flows). */
export const HEARTBEAT_DIR = '/run/virtwork/heartbeat';
/** The helper a workload loop calls after each successful iteration: `virtwork-heartbeat <name> [note…]`. */
export const HEARTBEAT_HELPER = '/usr/local/bin/virtwork-heartbeat';
/** The responder script and its configuration (the checks of this VM). */
export const RESPONDER_SCRIPT = '/usr/local/bin/virtwork-health-responder';
export const RESPONDER_CONFIG = '/etc/virtwork/readiness.json';

/**
 * One readiness check of a VM. `heartbeat`: the file `<HEARTBEAT_DIR>/<name>` was written less than `within`
 * seconds ago (of uptime, so a wall-clock step at boot does not matter); `listen`: something listens on TCP `port`
 * (read from /proc/net, no connection is made, so a single-client server like iperf3 is not disturbed); `done`: the
 * file exists (a finished one-off job); `unit`: the systemd unit is active (for a process that is the load itself,
 * like stress-ng, whose unit stops being active when it dies; and for catalog entries that write no heartbeat).
 */
export type ReadinessCheck =
  | { readonly kind: 'heartbeat'; readonly name: string; readonly within: number; readonly what: string }
  | { readonly kind: 'listen'; readonly name: string; readonly port: number }
  | { readonly kind: 'done'; readonly name: string; readonly file: string; readonly what: string }
  | { readonly kind: 'unit'; readonly name: string; readonly unit: string };

/**
 * How fresh a heartbeat must be for a loop that beats about every `periodSeconds` when it works: two periods plus
 * two minutes (one slow iteration on a loaded guest is not a failure; a loop that stopped making progress is).
 */
export function heartbeatWithin(periodSeconds: number): number {
  return 2 * Math.ceil(periodSeconds) + 120;
}

const UNIT = /^[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|path|mount|target)$/;

const NAME = /^[A-Za-z0-9@._-]{1,100}$/;

/** The responder configuration for `checks` (JSON; validated so that a name can never leave HEARTBEAT_DIR). */
export function responderConfig(where: string, checks: readonly ReadinessCheck[], heartbeatDir = HEARTBEAT_DIR): string {
  if (checks.length === 0) throw new VirtworkError(`${where}: a readiness probe needs at least one check`);
  const out = checks.map((c) => {
    if (!NAME.test(c.name) || c.name.startsWith('.')) throw new VirtworkError(`${where}: readiness check name ${show(c.name)} must be 1 to 100 letters, digits, '@', '.', '_' or '-'`);
    if (c.kind === 'heartbeat') return { ...c, within: checkInt(`${where}: readiness check ${c.name}: within`, c.within, 1, 7 * 86400), file: `${heartbeatDir}/${c.name}` };
    if (c.kind === 'listen') return { ...c, port: checkInt(`${where}: readiness check ${c.name}: port`, c.port, 1, 65535) };
    if (c.kind === 'unit' && !UNIT.test(c.unit)) throw new VirtworkError(`${where}: readiness check ${c.name}: ${show(c.unit)} is not a systemd unit name (e.g. "virtwork-cpu.service")`);
    return c;
  });
  return `${JSON.stringify({ checks: out }, null, 2)}\n`;
}

/** `virtwork-heartbeat <name> [note…]`: records the uptime (and a note) in `<dir>/<name>`, atomically. */
export function heartbeatHelper(): WriteFile {
  return {
    path: HEARTBEAT_HELPER,
    permissions: '0755',
    content: [
      '#!/bin/bash',
      '# virtwork: record that a workload iteration succeeded (read by the health responder). Usage: virtwork-heartbeat NAME [NOTE...]',
      'set -euo pipefail',
      `DIR=\${VIRTWORK_HEARTBEAT_DIR:-${HEARTBEAT_DIR}}`,
      'NAME=${1:?usage: virtwork-heartbeat NAME [NOTE...]}',
      'shift',
      'case "$NAME" in',
      "  .* | *[!A-Za-z0-9@._-]*) echo \"virtwork-heartbeat: bad name: $NAME\" >&2; exit 2 ;;",
      'esac',
      'mkdir -p "$DIR" 2>/dev/null || true',
      'read -r UPTIME _ < /proc/uptime',
      'TMP=$(mktemp "$DIR/.$NAME.XXXXXX")',
      'printf \'%s %s\\n\' "$UPTIME" "$*" > "$TMP"',
      'chmod 0644 "$TMP"',
      'mv -f "$TMP" "$DIR/$NAME"',
      '',
    ].join('\n'),
  };
}

/** systemd-tmpfiles entry creating HEARTBEAT_DIR on every boot, writable by every workload user (sticky, like /tmp). */
export function heartbeatTmpfiles(): WriteFile {
  return { path: '/etc/tmpfiles.d/virtwork-heartbeat.conf', permissions: '0644', content: `d ${HEARTBEAT_DIR} 1777 root root -\n` };
}

/** The responder's unit (root, restarted on failure; listens on HEALTH_PORT on every address of the guest). */
export const RESPONDER_UNIT = 'virtwork-health-responder.service';
export function responderUnit(): string {
  return renderUnit({
    description: 'Virtwork health responder (answers the VMI readiness probe)',
    after: ['network.target'],
    service: [
      ['Type', 'simple'],
      ['ExecStart', execLine(['/usr/bin/python3', RESPONDER_SCRIPT, '--config', RESPONDER_CONFIG, '--port', String(HEALTH_PORT), '--path', HEALTH_PATH])],
      ['Restart', 'always'], ['RestartSec', '5'],
    ],
  });
}

/**
 * The health responder: a python3 http.server answering GET HEALTH_PATH with 200 when every check passes and 503
 * with one line per failing check (the reason) otherwise; a change of state is logged to the journal.
 */
export function responderScript(): WriteFile {
  return { path: RESPONDER_SCRIPT, permissions: '0755', content: RESPONDER_PY };
}

const RESPONDER_PY = String.raw`#!/usr/bin/python3
"""virtwork health responder: answers the VMI readiness probe from the workloads' heartbeats."""
import argparse
import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def uptime():
    with open('/proc/uptime') as f:
        return float(f.read().split()[0])


def listening(port):
    for path in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(path) as f:
                rows = f.readlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 3 and fields[3] == '0A' and int(fields[1].rsplit(':', 1)[1], 16) == port:
                return True
    return False


def unit_state(unit):
    try:
        out = subprocess.run(['systemctl', 'show', '--property=ActiveState,SubState', '--', unit],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError) as err:
        return 'unknown (%s)' % err
    props = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
    return '%s/%s' % (props.get('ActiveState', 'unknown'), props.get('SubState', 'unknown'))


def failure(check, now):
    """Why the check fails, or None when it passes."""
    name, kind = check['name'], check['kind']
    if kind == 'heartbeat':
        try:
            with open(check['file']) as f:
                stamp, _, note = f.read().strip().partition(' ')
            age = now - float(stamp)
        except (OSError, ValueError):
            return '%s: no %s yet' % (name, check['what'])
        if age > check['within']:
            last = (' (last: %s)' % note) if note else ''
            return '%s: last %s %ds ago, more than %ds%s' % (name, check['what'], age, check['within'], last)
        return None
    if kind == 'listen':
        return None if listening(check['port']) else '%s: nothing listens on TCP port %d' % (name, check['port'])
    if kind == 'unit':
        state = unit_state(check['unit'])
        return None if state.startswith('active/') else '%s: unit %s is %s' % (name, check['unit'], state)
    if kind == 'done':
        return None if os.path.exists(check['file']) else '%s: %s not finished yet' % (name, check['what'])
    return '%s: unknown check kind %r' % (name, kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--bind', default='0.0.0.0')
    parser.add_argument('--path', default='/virtwork/ready')
    args = parser.parse_args()
    with open(args.config) as f:
        checks = json.load(f)['checks']
    state = {'ready': None}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != args.path:
                self.reply(404, 'not found: ask %s\n' % args.path)
                return
            reasons = [r for r in (failure(c, uptime()) for c in checks) if r]
            ready = not reasons
            if ready != state['ready']:
                state['ready'] = ready
                print('ready' if ready else 'not ready: ' + '; '.join(reasons), flush=True)
            self.reply(200 if ready else 503, 'ready\n' if ready else 'not ready\n' + ''.join(r + '\n' for r in reasons))

        def reply(self, code, body):
            data = body.encode()
            self.send_response(code)
            self.send_header('Content-Type', 'text/plain; charset=utf-8')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    print('virtwork health responder on %s:%d%s, %d checks' % (args.bind, args.port, args.path, len(checks)), flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
`;

/** A VM's part of heartbeat readiness: files to write, a command to run before the workload units, units to enable. */
export interface GuestHealth {
  readonly files: readonly WriteFile[];
  readonly runcmd: readonly (readonly string[])[];
  readonly units: readonly { readonly name: string; readonly content: string }[];
}

/**
 * Heartbeat readiness for one VM: the heartbeat helper and its directory always (the workload loops call the
 * helper whether or not a probe reads it), plus the responder, its checks and its unit when `responder` is true.
 */
export function guestHealth(where: string, checks: readonly ReadinessCheck[], responder: boolean): GuestHealth {
  const tmpfiles = heartbeatTmpfiles();
  const base = [tmpfiles, heartbeatHelper()];
  const runcmd = [['systemd-tmpfiles', '--create', tmpfiles.path]];
  if (!responder) return { files: base, runcmd, units: [] };
  return {
    files: [...base, responderScript(), { path: RESPONDER_CONFIG, permissions: '0644', content: responderConfig(where, checks) }],
    runcmd,
    units: [{ name: RESPONDER_UNIT, content: responderUnit() }],
  };
}

/** The VMI readiness probe that asks the responder (see docs/architecture.md, "Readiness"). */
export const HEALTH_PROBE = { httpGet: { port: HEALTH_PORT, path: HEALTH_PATH } } as const;
