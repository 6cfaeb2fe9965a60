import { Construct } from 'constructs';
import { ParamInput, bool, defineParams, int, list, signal } from '../core/params';
import { execLine, renderUnit, systemdQuote } from '../guest/systemd-unit';
import { HEARTBEAT_HELPER, heartbeatWithin } from '../guest/health-responder';
import { Workload, WorkloadProps } from './_workload';

const SCRIPT = '/usr/local/bin/virtwork-chaos-process.sh';

/**
 * Process-name families (bash glob patterns on `comm`, the kernel's 15-character process name) chaos-process never
 * signals: init and every `systemd*` daemon (journald, udevd, logind, oomd, homed, timesyncd, …), the helpers systemd
 * names in parentheses (`(udev-worker)`, `(sd-pam)`, …), OpenSSH (`sshd`, `sshd-session`, `sshd-auth`, …), the guest
 * agent, cloud-init, D-Bus, consoles and logins, logging, time, networking and shells. Names starting with
 * `virtwork-` are protected as well, and so are the processes of virtwork's own units (see `target-workloads`).
 */
export const PROTECTED_PROCESSES: readonly string[] = [
  'init', 'systemd*', '(*)', 'sshd*', 'qemu-ga*', 'qemu-guest-ag*', 'cloud-init*', 'dbus*', 'agetty', 'getty',
  'login', 'sudo', 'su', 'auditd', 'rsyslogd', 'journal*', 'chronyd', 'NetworkManager', 'dhclient', 'polkitd',
  'bash', 'sh', 'virtwork-*',
];

/** Params of {@link ChaosProcessWorkload}. */
export const CHAOS_PROCESS_PARAMS = defineParams({
  signal: signal({ default: 'SIGTERM', description: 'Signal to send to target processes' }),
  interval: int({ default: 30, min: 1, max: 86400, description: 'Seconds between chaos actions' }),
  'min-pid': int({ default: 1000, min: 2, max: 4194304, description: 'Minimum PID to target (skips early system processes)' }),
  exclude: list({
    default: [],
    item: /^[A-Za-z0-9_.:+@-]{1,15}$/,
    allowed: 'a ";"-separated list of process names (exact comm, at most 15 letters, digits, "_", ".", ":", "+", "@", "-")',
    description: 'Further process names (exact comm) never signalled, besides the built-in protected list',
  }),
  'target-workloads': bool({
    default: false,
    description: 'Also signal the processes of the other virtwork workload units (virtwork-*.service) on the VM',
  }),
});

/** Props of {@link ChaosProcessWorkload}. */
export interface ChaosProcessWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see CHAOS_PROCESS_PARAMS for defaults). */
  readonly params?: ParamInput<typeof CHAOS_PROCESS_PARAMS.defs>;
}

/**
 * Every `interval` seconds sends `signal` to one random eligible guest process (`virtwork-chaos-process.service`).
 * Eligible: PID ≥ `min-pid`, not a kernel thread, not in the script's own session (itself, `ps`, its pipelines),
 * a name (`comm`) in no protected family and not in `exclude`, and not in a `virtwork-*.service` cgroup (its own unit
 * never; the other workloads' units only with `target-workloads`). `virtwork-chaos-process.sh --list` prints the
 * eligible processes and exits. Opt-in: never a default workload.
 */
export class ChaosProcessWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'chaos-process';
  /** Param definitions. */
  public static readonly params = CHAOS_PROCESS_PARAMS;

  public constructor(scope: Construct, id: string, props: ChaosProcessWorkloadProps = {}) {
    super(scope, id, ChaosProcessWorkload.workloadName, props);
    const p = CHAOS_PROCESS_PARAMS.resolve(props.params, `${ChaosProcessWorkload.workloadName}.params`);
    const env = (key: string, value: string): [string, string] => ['Environment', systemdQuote(`${key}=${value}`)];
    this.addRole({
      packages: ['procps-ng'],
      files: [{ path: SCRIPT, content: chaosScript(), permissions: '0755' }],
      units: [{
        name: 'virtwork-chaos-process.service',
        content: renderUnit({
          description: 'Virtwork chaos-process workload',
          after: ['network.target'],
          service: [
            ['Type', 'simple'],
            env('CHAOS_SIGNAL', p.signal),
            env('CHAOS_INTERVAL', String(p.interval)),
            env('CHAOS_MIN_PID', String(p['min-pid'])),
            env('CHAOS_EXCLUDE', p.exclude.join(' ')),
            env('CHAOS_TARGET_WORKLOADS', p['target-workloads'] ? '1' : '0'),
            ['ExecStart', execLine([SCRIPT])],
            ['Restart', 'always'],
            ['RestartSec', '10'],
            ['StandardOutput', 'journal'],
            ['StandardError', 'journal'],
          ],
        }),
      }],
      readiness: [{ kind: 'heartbeat', name: 'chaos-process', within: heartbeatWithin(p.interval), what: 'chaos round' }],
    });
  }
}

function chaosScript(): string {
  return [
    '#!/bin/bash',
    '# virtwork chaos-process: every CHAOS_INTERVAL seconds send CHAOS_SIGNAL to one random eligible process.',
    '# --list: print the eligible processes ("<pid> <comm>") once and exit.',
    'set -euo pipefail',
    'CHAOS_SIGNAL=${CHAOS_SIGNAL:-SIGTERM}',
    'CHAOS_INTERVAL=${CHAOS_INTERVAL:-30}',
    'CHAOS_MIN_PID=${CHAOS_MIN_PID:-1000}',
    'CHAOS_EXCLUDE=${CHAOS_EXCLUDE:-}',
    'CHAOS_TARGET_WORKLOADS=${CHAOS_TARGET_WORKLOADS:-0}',
    '',
    '# Process-name families (glob patterns on comm) that are never signalled, then the exact names of CHAOS_EXCLUDE.',
    `PROTECTED=(${PROTECTED_PROCESSES.map((n) => `'${n}'`).join(' ')})`,
    'read -r -a EXTRA <<< "$CHAOS_EXCLUDE"',
    '# Our own session: this script, ps, and every pipeline it forks.',
    'MY_SID=$(ps -o sid= -p $$ | tr -d " ")',
    '',
    'log() {',
    '  echo "[$(date \'+%Y-%m-%d %H:%M:%S\')] $*"',
    '}',
    '',
    'protected_name() {',
    '  local pattern',
    '  for pattern in "${PROTECTED[@]}"; do',
    '    # shellcheck disable=SC2053 # the right-hand side is a glob pattern on purpose',
    '    [[ $1 != $pattern ]] || return 0',
    '  done',
    '  for pattern in "${EXTRA[@]}"; do',
    '    [[ $1 != "$pattern" ]] || return 0',
    '  done',
    '  return 1',
    '}',
    '',
    '# True when the process runs in a protected virtwork unit: our own always, the others unless CHAOS_TARGET_WORKLOADS=1.',
    'protected_unit() {',
    '  local line',
    '  while IFS= read -r line; do',
    '    if [[ $line =~ /virtwork-(chaos-process|health-responder)\\.service(/|$) ]]; then return 0; fi',
    '    if [ "$CHAOS_TARGET_WORKLOADS" != 1 ] && [[ $line =~ /virtwork-[^/]+\\.service(/|$) ]]; then return 0; fi',
    '  done < "/proc/$1/cgroup"',
    '  return 1',
    '} 2>/dev/null',
    '',
    'eligible() {',
    '  local pid ppid sid comm',
    '  while read -r pid ppid sid comm; do',
    '    [ "$pid" -ge "$CHAOS_MIN_PID" ] || continue',
    '    if [ "$pid" -eq "$$" ] || [ "$sid" -eq "$MY_SID" ]; then continue; fi',
    '    # kernel threads: kthreadd (parent 0, like init) and its children',
    '    if [ "$ppid" -eq 0 ] || [ "$ppid" -eq 2 ]; then continue; fi',
    '    if protected_name "$comm" || protected_unit "$pid"; then continue; fi',
    '    echo "$pid $comm"',
    '  done < <(ps -eo pid=,ppid=,sid=,comm=)',
    '}',
    '',
    'if [ "${1:-}" = --list ]; then',
    '  eligible',
    '  exit 0',
    'fi',
    '',
    'log "Starting chaos-process workload"',
    'log "Configuration: SIGNAL=$CHAOS_SIGNAL INTERVAL=${CHAOS_INTERVAL}s MIN_PID=$CHAOS_MIN_PID EXCLUDE=${CHAOS_EXCLUDE:-none} TARGET_WORKLOADS=$CHAOS_TARGET_WORKLOADS"',
    'while true; do',
    '  mapfile -t CANDIDATES < <(eligible)',
    '  if [ "${#CANDIDATES[@]}" -eq 0 ]; then',
    '    log "No eligible processes found for chaos action"',
    '  else',
    '    read -r PID COMM <<< "${CANDIDATES[RANDOM % ${#CANDIDATES[@]}]}"',
    '    # The PID may have been reused since the listing: signal it only if it is still the same program.',
    '    if [ "$(ps -o comm= -p "$PID" 2>/dev/null || true)" = "$COMM" ]; then',
    '      log "Sending $CHAOS_SIGNAL to PID $PID: $(ps -o pid=,comm=,args= -p "$PID" 2>/dev/null || true)"',
    '      if kill -s "$CHAOS_SIGNAL" "$PID" 2>/dev/null; then',
    '        log "Successfully sent $CHAOS_SIGNAL to PID $PID"',
    '      else',
    '        log "Failed to send signal to PID $PID (process may have already exited)"',
    '      fi',
    '    else',
    '      log "PID $PID ($COMM) exited before the chaos action"',
    '    fi',
    '  fi',
    `  ${HEARTBEAT_HELPER} chaos-process "round done" || true`,
    '  sleep "$CHAOS_INTERVAL"',
    'done',
    '',
  ].join('\n');
}
