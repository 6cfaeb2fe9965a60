import { Construct } from 'constructs';
import { ParamInput, defineParams, int, size } from '../core/params';
import { WorkloadService, serviceHost } from '../vm/service';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { Workload, WorkloadProps } from './_workload';

/** netperf control port. */
export const NETPERF_CTRL_PORT = 12865;
/** netperf data port (pinned so that a Service can expose it). */
export const NETPERF_DATA_PORT = 12866;
/** HTTP port of the file server. */
export const HTTP_PORT = 8080;
/** Name of the tps Service (of the first server; see pairedServiceName). */
export const TPS_SERVICE = 'virtwork-tps-server';
const SERVER_SCRIPT = '/usr/local/bin/virtwork-tps-server.sh';
const CLIENT_SCRIPT = '/usr/local/bin/virtwork-tps-client.sh';
const FILE_SIZE = /^[1-9][0-9]*[kKmMgG]$/;
/** Pause between two client cycles (the reference restarted the client 30 s after each cycle). */
const CYCLE_PAUSE_SECONDS = 30;

/** Params of {@link TpsWorkload}. */
export const TPS_PARAMS = defineParams({
  'file-size': size({
    default: '10M', pattern: FILE_SIZE, example: '10M (a positive integer followed by K, M or G, at most 2G)', maxBytes: 2 * 1024 ** 3,
    description: 'Size of the test file for HTTP transfer (e.g. 10M, 1G)',
  }),
  iterations: int({ default: 30, min: 1, max: 10000, description: 'Number of test iterations per cycle' }),
  duration: int({ default: 60, min: 1, max: 3600, description: 'Duration in seconds per netperf test (-l) and per HTTP phase' }),
});

/** Props of {@link TpsWorkload}. */
export interface TpsWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see TPS_PARAMS for defaults). */
  readonly params?: ParamInput<typeof TPS_PARAMS.defs>;
}

/**
 * Transactions per second between pairs of VMs: `virtwork-tps-server-<i>` runs netserver and an HTTP file server,
 * `virtwork-tps-client-<i>` runs netperf TCP_RR and repeated HTTP downloads against its own server (Service
 * `virtwork-tps-server`, then `virtwork-tps-server-<i>` for i ≥ 1: netperf pins its data port, so two clients
 * must never share a server). A client cycle is `iterations` TCP_RR tests then `iterations` HTTP phases; cycles
 * repeat 30 s apart for as long as the unit runs.
 */
export class TpsWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'tps';
  /** Param definitions. */
  public static readonly params = TPS_PARAMS;
  /** The Services, one per server, in index order. */
  public readonly services: WorkloadService[] = [];

  public constructor(scope: Construct, id: string, props: TpsWorkloadProps = {}) {
    super(scope, id, TpsWorkload.workloadName, props);
    const p = TPS_PARAMS.resolve(props.params, `${TpsWorkload.workloadName}.params`);
    const file = fileSize(p['file-size']);
    const unit = (description: string, script: string, restartSec: string) => ({
      name: 'virtwork-tps.service',
      content: renderUnit({
        description,
        after: ['network-online.target'],
        wants: ['network-online.target'],
        service: [['Type', 'simple'], ['ExecStart', execLine([script])], ['Restart', 'always'], ['RestartSec', restartSec]],
      }),
    });
    const servers = this.addRole({
      role: 'server',
      packages: ['netperf', 'python3'],
      files: [{ path: SERVER_SCRIPT, content: serverScript(file), permissions: '0755' }],
      units: [unit('Virtwork TPS server (netperf + HTTP)', SERVER_SCRIPT, '10')],
      readiness: [{ kind: 'listen', name: 'netserver', port: NETPERF_CTRL_PORT }, { kind: 'listen', name: 'http-server', port: HTTP_PORT }],
    });
    servers.forEach((server, i) => {
      const name = this.serviceName(TPS_SERVICE, 'server', i);
      this.services.push(new WorkloadService(this, `service-${name}`, {
        name,
        namespace: this.namespace,
        workload: this.workloadName,
        instance: this.instanceName,
        runId: this.runId,
        selectorRole: 'server',
        selectorVm: server.name,
        ports: [
          { name: 'netperf-ctrl', port: NETPERF_CTRL_PORT },
          { name: 'netperf-data', port: NETPERF_DATA_PORT },
          { name: 'http-data', port: HTTP_PORT },
        ],
      }));
    });
    for (let i = 0; i < this.vmCount; i++) {
      const host = serviceHost(this.serviceName(TPS_SERVICE, 'server', i));
      const script = clientScript({ host, iterations: p.iterations, duration: p.duration, bytes: file.bytes });
      this.addRole({
        role: 'client',
        packages: ['netperf', 'curl'],
        files: [{ path: CLIENT_SCRIPT, content: script, permissions: '0755' }],
        units: [unit('Virtwork TPS client (netperf TCP_RR + HTTP file transfer)', CLIENT_SCRIPT, String(CYCLE_PAUSE_SECONDS))],
        // beats after every TCP_RR run and HTTP iteration that moved data; the longest quiet stretch of a working
        // client is one iteration, the pause between cycles and the 2 s gaps
        readiness: [{ kind: 'heartbeat', name: 'tps-client', within: heartbeatWithin(p.duration + CYCLE_PAUSE_SECONDS + 4), what: 'TCP_RR run or HTTP transfer' }],
      }, 1, i);
    }
  }
}

/** The test file: its exact size in bytes and the dd block size and count that write exactly that many. */
interface TestFile {
  readonly bytes: number;
  readonly blockSize: '1K' | '1M';
  readonly count: number;
}

function fileSize(text: string): TestFile {
  const n = Number(text.slice(0, -1));
  switch (text.slice(-1).toUpperCase()) {
    case 'K': return { bytes: n * 1024, blockSize: '1K', count: n };
    case 'M': return { bytes: n * 1024 ** 2, blockSize: '1M', count: n };
    default: return { bytes: n * 1024 ** 3, blockSize: '1M', count: n * 1024 };
  }
}

function serverScript(file: TestFile): string {
  return [
    '#!/bin/bash',
    '# virtwork tps server: netserver (control 12865, data 12866 pinned by the clients) and an HTTP file server.',
    'set -euo pipefail',
    'DIR=/srv/virtwork',
    'FILE="$DIR/testfile"',
    `FILE_SIZE_BYTES=${file.bytes}`,
    'echo "=== virtwork tps server starting ==="',
    `netserver -D -p ${NETPERF_CTRL_PORT} &`,
    'NETSERVER_PID=$!',
    'mkdir -p "$DIR"',
    'if [ "$(stat -c %s "$FILE" 2>/dev/null || echo 0)" != "$FILE_SIZE_BYTES" ]; then',
    `  dd if=/dev/urandom of="$FILE.tmp" bs=${file.blockSize} count=${file.count} iflag=fullblock status=none`,
    '  mv "$FILE.tmp" "$FILE"',
    'fi',
    `python3 -m http.server ${HTTP_PORT} --directory "$DIR" &`,
    'HTTP_PID=$!',
    'echo "=== ready: netserver pid $NETSERVER_PID, http pid $HTTP_PID, test file $FILE_SIZE_BYTES bytes ==="',
    '# Either server exiting ends the script; systemd restarts both.',
    'wait -n',
    'exit 1',
    '',
  ].join('\n');
}

function clientScript(o: { host: string; iterations: number; duration: number; bytes: number }): string {
  return [
    '#!/bin/bash',
    '# virtwork tps client: cycles of netperf TCP_RR then HTTP downloads against its own server, 30 s apart.',
    'set -uo pipefail',
    `SERVER=${o.host}`,
    `ITERATIONS=${o.iterations}`,
    'MSG_SIZE=64',
    `DURATION=${o.duration}`,
    `FILE_SIZE_BYTES=${o.bytes}`,
    `CYCLE_PAUSE=${CYCLE_PAUSE_SECONDS}`,
    '',
    'wait_for_server() {',
    `  until curl -s --connect-timeout 5 --max-time 10 -o /dev/null "http://$SERVER:${HTTP_PORT}/"; do`,
    '    echo "Waiting for server..."',
    '    sleep 2',
    '  done',
    '  echo "Server is ready."',
    '}',
    '',
    'tcp_rr() {',
    '  echo "=== TCP_RR: $ITERATIONS x ${DURATION}s ==="',
    '  for i in $(seq 1 "$ITERATIONS"); do',
    '    echo "--- TCP_RR iteration $i/$ITERATIONS ---"',
    `    if netperf -H "$SERVER" -p ${NETPERF_CTRL_PORT} -t TCP_RR -l "$DURATION" -- -r "$MSG_SIZE,$MSG_SIZE" -P ",${NETPERF_DATA_PORT}"; then`,
    `      ${HEARTBEAT_HELPER} tps-client "TCP_RR $i/$ITERATIONS"`,
    '    fi',
    '    sleep 2',
    '  done',
    '}',
    '',
    'http_transfers() {',
    '  echo "=== HTTP: $ITERATIONS x ${DURATION}s of $FILE_SIZE_BYTES-byte downloads ==="',
    '  local i count bytes start got elapsed',
    '  for i in $(seq 1 "$ITERATIONS"); do',
    '    count=0',
    '    bytes=0',
    '    start=$SECONDS',
    '    while [ $((SECONDS - start)) -lt "$DURATION" ]; do',
    `      got=$(curl -s -f --connect-timeout 5 --max-time "$DURATION" -o /dev/null -w '%{size_download}' "http://$SERVER:${HTTP_PORT}/testfile") || got=0`,
    '      # Only complete files count: the server writes exactly FILE_SIZE_BYTES (a download cut by --max-time does not).',
    '      if [ "$got" = "$FILE_SIZE_BYTES" ]; then',
    '        count=$((count + 1))',
    '        bytes=$((bytes + got))',
    '      fi',
    '    done',
    '    elapsed=$((SECONDS - start))',
    '    [ "$elapsed" -gt 0 ] || elapsed=1',
    '    echo "--- HTTP iteration $i/$ITERATIONS ---"',
    '    echo "Completed:  $count transfers in ${elapsed}s"',
    '    echo "Throughput: $((count / elapsed)) transfers/sec, $((bytes / elapsed / 1048576)) MB/s"',
    '    if [ "$count" -gt 0 ]; then',
    `      ${HEARTBEAT_HELPER} tps-client "HTTP $count transfers"`,
    '    fi',
    '    sleep 2',
    '  done',
    '}',
    '',
    'while true; do',
    '  wait_for_server',
    '  tcp_rr',
    '  http_transfers',
    '  echo "=== TPS cycle complete; next in ${CYCLE_PAUSE}s ==="',
    '  sleep "$CYCLE_PAUSE"',
    'done',
    '',
  ].join('\n');
}
