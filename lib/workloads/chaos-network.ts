import { Construct } from 'constructs';
import { ParamInput, decimal, defineParams, int } from '../core/params';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { Workload, WorkloadProps } from './_workload';

const START = '/usr/local/bin/virtwork-chaos-network-start.sh';
const STOP = '/usr/local/bin/virtwork-chaos-network-stop.sh';
/** Where the start script records the impaired interface for the stop script. */
const STATE = '/run/virtwork-chaos-network.dev';

/** Params of {@link ChaosNetworkWorkload}. */
export const CHAOS_NETWORK_PARAMS = defineParams({
  'latency-ms': int({ default: 100, min: 0, max: 60000, description: 'Added latency in milliseconds via tc/netem' }),
  'packet-loss-percent': decimal({ default: '5.0', min: 0, max: 100, description: 'Packet loss percentage via tc/netem' }),
});

/** Props of {@link ChaosNetworkWorkload}. */
export interface ChaosNetworkWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see CHAOS_NETWORK_PARAMS for defaults). */
  readonly params?: ParamInput<typeof CHAOS_NETWORK_PARAMS.defs>;
}

/**
 * Impairs the guest's default-route interface with a netem qdisc (latency and loss) for as long as
 * `virtwork-chaos-network.service` is active: a oneshot unit with `RemainAfterExit=yes` installs it on start and
 * removes it on stop. Opt-in: never a default workload.
 */
export class ChaosNetworkWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'chaos-network';
  /** Param definitions. */
  public static readonly params = CHAOS_NETWORK_PARAMS;

  public constructor(scope: Construct, id: string, props: ChaosNetworkWorkloadProps = {}) {
    super(scope, id, ChaosNetworkWorkload.workloadName, props);
    const p = CHAOS_NETWORK_PARAMS.resolve(props.params, `${ChaosNetworkWorkload.workloadName}.params`);
    this.addRole({
      packages: ['iproute-tc', 'kernel-modules-extra'],
      files: [
        { path: START, content: startScript(p['latency-ms'], p['packet-loss-percent'], this.guestFamily === 'fedora'), permissions: '0755' },
        { path: STOP, content: stopScript(), permissions: '0755' },
      ],
      units: [{
        name: 'virtwork-chaos-network.service',
        content: renderUnit({
          description: 'Virtwork network chaos workload (tc/netem)',
          after: ['network-online.target'],
          wants: ['network-online.target'],
          service: [
            ['Type', 'oneshot'],
            ['RemainAfterExit', 'yes'],
            ['ExecStart', execLine([START])],
            ['ExecStop', execLine([STOP])],
            ['Restart', 'on-failure'],
            ['RestartSec', '10'],
            ['TimeoutStartSec', '10min'],
          ],
        }),
      }],
    });
  }
}

const DEFAULT_DEV = [
  'default_dev() {',
  "  ip route show default | awk '{ for (i = 1; i < NF; i++) if ($i == \"dev\") { print $(i + 1); exit } }'",
  '}',
];

function startScript(latencyMs: number, lossPercent: string, fedora: boolean): string {
  return [
    '#!/bin/bash',
    '# virtwork chaos-network: put a netem qdisc on the default-route interface (kept until the unit stops).',
    'set -euo pipefail',
    `STATE=${STATE}`,
    `LATENCY_MS=${latencyMs}`,
    `LOSS_PERCENT=${lossPercent}`,
    ...DEFAULT_DEV,
    'DEV=""',
    'for _ in $(seq 1 30); do',
    '  DEV=$(default_dev)',
    '  [ -n "$DEV" ] && break',
    '  sleep 1',
    'done',
    'if [ -z "$DEV" ]; then',
    '  echo "ERROR: no default route interface found" >&2',
    '  exit 1',
    'fi',
    ...(fedora
      ? [
          '# sch_netem ships in kernel-modules-extra on Fedora: install it for the running kernel when it is missing.',
          'if ! modprobe sch_netem 2>/dev/null; then',
          '  echo "sch_netem missing: installing kernel-modules-extra-$(uname -r)"',
          '  dnf install -y "kernel-modules-extra-$(uname -r)"',
          '  modprobe sch_netem',
          'fi',
        ]
      : [
          'if ! modprobe sch_netem; then',
          '  echo "ERROR: the running kernel $(uname -r) has no sch_netem module" >&2',
          '  exit 1',
          'fi',
        ]),
    'tc qdisc replace dev "$DEV" root netem delay "${LATENCY_MS}ms" loss "${LOSS_PERCENT}%" limit 1000',
    'echo "$DEV" > "$STATE"',
    'echo "netem on $DEV: delay ${LATENCY_MS}ms loss ${LOSS_PERCENT}%"',
    '',
  ].join('\n');
}

function stopScript(): string {
  return [
    '#!/bin/bash',
    '# virtwork chaos-network: remove the netem qdisc installed by the start script (if it is still there).',
    'set -uo pipefail',
    ...DEFAULT_DEV,
    `STATE=${STATE}`,
    'DEV=$(cat "$STATE" 2>/dev/null || default_dev)',
    'rm -f "$STATE"',
    'if [ -n "$DEV" ] && tc qdisc show dev "$DEV" root | grep -q netem; then',
    '  tc qdisc del dev "$DEV" root',
    '  echo "netem removed from $DEV"',
    'fi',
    'exit 0',
    '',
  ].join('\n');
}
