import { TpsWorkload } from '../../lib/workloads/tps';
import { validateObjects } from '../support/validators';
import { byKind, describeSandboxed, entry, execStart, fileOf, find, HOSTILE, names, own, runSandboxed, sandboxMissing, selectedVms, synth, unitOf, userData } from './_support';

const SERVER_SCRIPT = '/usr/local/bin/virtwork-tps-server.sh';
const CLIENT_SCRIPT = '/usr/local/bin/virtwork-tps-client.sh';
/** `NAME=value` assignments at the top of a script. */
const vars = (script: string) => Object.fromEntries([...script.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

describe('TpsWorkload', () => {
  it('synthesizes a netperf + HTTP server, its Service and a client (snapshot)', () => {
    // GIVEN the default tps workload in namespace "load"
    // WHEN it is synthesized
    const objs = synth((c) => new TpsWorkload(c, 'tps', { namespace: 'load' }));

    // THEN the reference VMs, packages, scripts, units and Service ports; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual([
      'Secret/virtwork-tps-server-0-cloudinit', 'VirtualMachine/virtwork-tps-server-0',
      'Service/virtwork-tps-server',
      'Secret/virtwork-tps-client-0-cloudinit', 'VirtualMachine/virtwork-tps-client-0',
    ]);
    const server = userData(objs, 'virtwork-tps-server-0');
    expect(own(server).packages).toEqual(['netperf', 'python3']);
    expect(own(server).paths).toEqual([SERVER_SCRIPT, '/etc/systemd/system/virtwork-tps.service']);
    expect(own(server).permissions).toEqual(['0755', '0644']);
    const serverUnit = unitOf(server, 'virtwork-tps.service');
    expect(entry(serverUnit, 'Description')).toBe('Virtwork TPS server (netperf + HTTP)');
    expect(execStart(serverUnit)).toEqual([SERVER_SCRIPT]);
    expect(entry(serverUnit, 'RestartSec')).toBe('10');
    expect(fileOf(server, SERVER_SCRIPT)).toContain('netserver -D -p 12865 &');
    expect(fileOf(server, SERVER_SCRIPT)).toContain('python3 -m http.server 8080 --directory "$DIR" &');

    const client = userData(objs, 'virtwork-tps-client-0');
    expect(own(client).packages).toEqual(['netperf', 'curl']);
    expect(own(client).paths).toEqual([CLIENT_SCRIPT, '/etc/systemd/system/virtwork-tps.service']);
    for (const doc of [server, client]) {
      expect(own(doc).runcmd).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'virtwork-tps.service']]);
    }
    const clientUnit = unitOf(client, 'virtwork-tps.service');
    expect(entry(clientUnit, 'Description')).toBe('Virtwork TPS client (netperf TCP_RR + HTTP file transfer)');
    expect(entry(clientUnit, 'RestartSec')).toBe('30');
    const script = fileOf(client, CLIENT_SCRIPT);
    expect(vars(script)).toMatchObject({
      SERVER: 'virtwork-tps-server', ITERATIONS: '30', MSG_SIZE: '64', DURATION: '60',
      FILE_SIZE_BYTES: String(10 * 1024 ** 2),
    });
    expect(script).toContain('netperf -H "$SERVER" -p 12865 -t TCP_RR -l "$DURATION" -- -r "$MSG_SIZE,$MSG_SIZE" -P ",12866"');

    const svc = find(objs, 'Service', 'virtwork-tps-server');
    expect(svc.spec.ports).toEqual([
      { name: 'netperf-ctrl', port: 12865, targetPort: 12865, protocol: 'TCP' },
      { name: 'netperf-data', port: 12866, targetPort: 12866, protocol: 'TCP' },
      { name: 'http-data', port: 8080, targetPort: 8080, protocol: 'TCP' },
    ]);
    expect(svc.spec.selector['app.kubernetes.io/component']).toBe('tps');
    expect(svc.spec.selector['virtwork/role']).toBe('server');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: with vmCount 2 each client has its own server (netperf pins data port 12866)', () => {
    const objs = synth((c) => new TpsWorkload(c, 'tps', { vmCount: 2 }));
    expect(byKind(objs, 'Service').map((s) => s.metadata.name)).toEqual(['virtwork-tps-server', 'virtwork-tps-server-1']);
    for (const i of [0, 1]) {
      const host = vars(fileOf(userData(objs, `virtwork-tps-client-${i}`), CLIENT_SCRIPT)).SERVER;
      expect(selectedVms(objs, find(objs, 'Service', host.split('.')[0]))).toEqual([`virtwork-tps-server-${i}`]);
    }
  });

  it.each([
    ['10M', 10 * 1024 ** 2, 'bs=1M count=10'],
    ['512k', 512 * 1024, 'bs=1K count=512'],
    ['3K', 3 * 1024, 'bs=1K count=3'],
    ['2G', 2 * 1024 ** 3, 'bs=1M count=2048'],
  ])('fixes the reference: file-size %s is %i bytes on the server (dd %s) and in the client alike', (fileSize, bytes, dd) => {
    const objs = synth((c) => new TpsWorkload(c, 'tps', { params: { 'file-size': fileSize } }));
    const server = fileOf(userData(objs, 'virtwork-tps-server-0'), SERVER_SCRIPT);
    expect(server).toContain(`dd if=/dev/urandom of="$FILE.tmp" ${dd} iflag=fullblock status=none`);
    expect(vars(server).FILE_SIZE_BYTES).toBe(String(bytes));
    expect(vars(fileOf(userData(objs, 'virtwork-tps-client-0'), CLIENT_SCRIPT)).FILE_SIZE_BYTES).toBe(String(bytes));
  });

  it.each([
    ['default', {}, { ITERATIONS: '30', DURATION: '60', FILE_SIZE_BYTES: String(10 * 1024 ** 2) }],
    ['full override', { 'file-size': '1G', iterations: 5, duration: 10 }, { ITERATIONS: '5', DURATION: '10', FILE_SIZE_BYTES: String(1024 ** 3) }],
    ['partial override', { iterations: '3' }, { ITERATIONS: '3', DURATION: '60', FILE_SIZE_BYTES: String(10 * 1024 ** 2) }],
  ])('wires params: %s', (_, params, expected) => {
    const doc = userData(synth((c) => new TpsWorkload(c, 'tps', { params })), 'virtwork-tps-client-0');
    expect(vars(fileOf(doc, CLIENT_SCRIPT))).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    ...['1.5G', '2GB', '10MiB', 'M', '10X', 'garbage', '0M', '-5M', '3G', ...HOSTILE].map((v): [Record<string, unknown>, string] => [
      { 'file-size': v },
      `tps.params.file-size: must be a positive size like 10M (a positive integer followed by K, M or G, at most 2G), got ${JSON.stringify(v)}`,
    ]),
    [{ iterations: 0 }, 'tps.params.iterations: must be an integer from 1 to 10000, got 0'],
    [{ duration: 3601 }, 'tps.params.duration: must be an integer from 1 to 3600, got 3601'],
    [{ filesize: '1M' }, 'tps.params.filesize: unknown param (did you mean "file-size"?)'],
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new TpsWorkload(c, 'tps', { params: params as any }))).toThrow(message);
  });
});

/*
 * Server and client scripts run for real, in private network and mount namespaces: the Service name resolves to
 * the loopback address through an overlaid /etc/hosts, netserver and netperf are stand-ins (not installed here),
 * python3's HTTP server and curl are real.
 */
const missing = sandboxMissing('curl', 'python3', 'ip', 'timeout');
// skipped only where the sandbox tools are missing, and then the name says which
const sandboxed = describeSandboxed(missing); // skipped, with the reason in the name, where the sandbox cannot run
if (missing) console.warn(`tps functional tests skipped: ${missing}`);

/**
 * The start of every sandboxed run: loopback up, a scratch tmpfs in $S (its bin/ first on PATH, holding a netperf
 * stand-in that echoes its arguments), and /etc overlaid so that the Service name resolves to the loopback address.
 */
const SANDBOX_SETUP = `
      set -u
      ip link set lo up
      S=$(mktemp -d) && mount -t tmpfs tmpfs "$S" && mkdir -p "$S/bin" "$S/up" "$S/work"
      mount -t overlay overlay -o lowerdir=/etc,upperdir="$S/up",workdir="$S/work" /etc
      echo "127.0.0.1 virtwork-tps-server" >> /etc/hosts
      printf '#!/bin/sh\\necho "netperf stand-in: $*"\\n' > "$S/bin/netperf"
      chmod +x "$S/bin/netperf"
      export PATH="$S/bin:$PATH"`;

sandboxed('tps scripts, run against each other', () => {
  it('the client downloads exactly the file the server wrote (K sizes included) and reports its cycle', () => {
    // GIVEN a 3K test file (the size the reference got wrong), one iteration of one second
    const objs = synth((c) => new TpsWorkload(c, 'tps', { params: { 'file-size': '3K', iterations: 1, duration: 1 } }));
    const server = fileOf(userData(objs, 'virtwork-tps-server-0'), SERVER_SCRIPT);
    const client = fileOf(userData(objs, 'virtwork-tps-client-0'), CLIENT_SCRIPT);

    // WHEN the server runs and the client runs one cycle against it
    const r = runSandboxed(`${SANDBOX_SETUP}
      mount -t tmpfs tmpfs /srv
      printf '#!/bin/sh\\nexec sleep 600\\n' > "$S/bin/netserver"
      chmod +x "$S/bin/netserver"
      cat > "$S/server.sh" <<'VIRTWORK_SERVER'
${server}VIRTWORK_SERVER
      cat > "$S/client.sh" <<'VIRTWORK_CLIENT'
${client}VIRTWORK_CLIENT
      bash "$S/server.sh" > "$S/server.log" 2>&1 &
      timeout 10 bash "$S/client.sh" > "$S/client.log" 2>&1
      echo "client exit: $?"
      echo "file bytes: $(stat -c %s /srv/virtwork/testfile)"
      cat "$S/client.log" "$S/server.log"
      pkill -P $! 2>/dev/null; kill $! 2>/dev/null
      umount -l "$S"; rmdir "$S"
    `, { net: true, pid: true, timeoutMs: 40000 });

    // THEN the file is 3072 bytes, the client counted complete transfers of it, and it keeps cycling (killed by timeout)
    expect(r.out).toContain('file bytes: 3072');
    expect(r.out).toContain('Server is ready.');
    expect(r.out).toContain('netperf stand-in: -H virtwork-tps-server -p 12865 -t TCP_RR -l 1 -- -r 64,64 -P ,12866');
    const completed = /Completed: {2}(\d+) transfers in (\d+)s/.exec(r.out);
    expect(completed).not.toBeNull();
    expect(Number(completed![1])).toBeGreaterThan(0);
    expect(r.out).toContain('=== TPS cycle complete; next in 30s ===');
    expect(r.out).toContain('client exit: 124');
  });

  it('a server that stops answering cannot stall the client: every curl call has a time limit', () => {
    // GIVEN a server whose first answer never comes and whose test file stops after 100 of 3072 bytes
    const objs = synth((c) => new TpsWorkload(c, 'tps', { params: { 'file-size': '3K', iterations: 1, duration: 2 } }));
    const client = fileOf(userData(objs, 'virtwork-tps-client-0'), CLIENT_SCRIPT);
    const stalling = [
      'import http.server, time',
      'first = [True]',
      'class H(http.server.BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      "        if self.path == '/' and first.pop() if first else False:",
      '            time.sleep(600)',
      "        body = b'ok' if self.path == '/' else b'x' * 100",
      "        self.send_response(200); self.send_header('Content-Length', '2' if self.path == '/' else '3072'); self.end_headers()",
      '        self.wfile.write(body); self.wfile.flush()',
      "        if self.path != '/': time.sleep(600)",
      "http.server.ThreadingHTTPServer(('127.0.0.1', 8080), H).serve_forever()",
    ].join('\n');

    // WHEN the client runs against it
    const r = runSandboxed(`${SANDBOX_SETUP}
      cat > "$S/stalling.py" <<'VIRTWORK_SERVER'
${stalling}
VIRTWORK_SERVER
      cat > "$S/client.sh" <<'VIRTWORK_CLIENT'
${client}VIRTWORK_CLIENT
      python3 "$S/stalling.py" > "$S/server.log" 2>&1 &
      sleep 1
      timeout 20 bash "$S/client.sh" > "$S/client.log" 2>&1
      echo "client exit: $?"
      cat "$S/client.log"
      kill $! 2>/dev/null
      umount -l "$S"; rmdir "$S"
    `, { net: true, pid: true, timeoutMs: 60000 });

    // THEN the stalled readiness probe was given up (after 10 s) and retried, and the stalled download cut after the
    // phase's 2 s and not counted, so the cycle went on to its end
    expect(r.out).toMatch(/Waiting for server\.\.\.\nServer is ready\./);
    expect(r.out).toContain('Completed:  0 transfers in 2s');
    expect(r.out).toContain('=== TPS cycle complete; next in 30s ===');
    expect(r.out).toContain('client exit: 124');
  });
});
