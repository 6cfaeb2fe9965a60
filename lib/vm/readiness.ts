import { shellJoin } from '../_shell';
import { WriteFile } from '../cloud-init';
import { VirtworkError, show } from '../errors';
import { checkInt } from '../quantity';
import { GUEST_FAMILY_TABLE, GuestFamily } from './guest-family';

/** The guest package that lets KubeVirt run probes inside the guest. */
export const GUEST_AGENT_PACKAGE = 'qemu-guest-agent';
/** Its systemd unit. */
export const GUEST_AGENT_UNIT = 'qemu-guest-agent.service';

/** RPCs kept blocked when virtwork opens the guest agent to exec probes: reading and writing guest files. */
export const GUEST_AGENT_BLOCKED_RPCS = [
  'guest-file-open', 'guest-file-close', 'guest-file-read', 'guest-file-write', 'guest-file-seek', 'guest-file-flush',
] as const;

/**
 * `/etc/sysconfig/qemu-ga` with `guest-exec` allowed. Fedora/RHEL ship the agent with `guest-exec` blocked (the
 * variable is `BLACKLIST_RPC` on RHEL 8, `FILTER_RPC_ARGS` on RHEL 9, `QEMU_GA_ARGS` later); an exec readiness
 * probe needs it, so every variant is set to block only the file RPCs. Distros whose unit reads no sysconfig
 * (Debian, Ubuntu) block nothing to begin with.
 */
export const GUEST_AGENT_SYSCONFIG: WriteFile = {
  path: '/etc/sysconfig/qemu-ga',
  permissions: '0644',
  content: [
    '# Written by virtwork: the VMI readiness probe runs through guest-exec, so guest-exec and',
    '# guest-exec-status are allowed; the file RPCs stay blocked.',
    `BLACKLIST_RPC=${GUEST_AGENT_BLOCKED_RPCS.join(',')}`,
    `FILTER_RPC_ARGS=--block-rpcs=${GUEST_AGENT_BLOCKED_RPCS.join(',')}`,
    `QEMU_GA_ARGS=--block-rpcs=${GUEST_AGENT_BLOCKED_RPCS.join(',')}`,
    'FSFREEZE_HOOK_PATHNAME=/etc/qemu-ga/fsfreeze-hook',
    '',
  ].join('\n'),
};

/**
 * Commands that make sure the guest agent runs: `start` (a no-op when it already runs, so an agent KubeVirt is
 * already talking to is never restarted mid-boot), `--no-block` so that a guest without the agent's virtio port
 * does not hold cloud-init up; `enable` only where the unit has an [Install] section (Debian's is static and
 * started by udev when the port appears).
 */
export function guestAgentRuncmd(family: GuestFamily): string[][] {
  return [
    ...(GUEST_FAMILY_TABLE[family].enableGuestAgent ? [['systemctl', 'enable', GUEST_AGENT_UNIT]] : []),
    ['systemctl', 'start', '--no-block', GUEST_AGENT_UNIT],
  ];
}

/** Timing of the readiness probe; the defaults fit a cold boot that installs packages first. */
export interface ReadinessTiming {
  /**
   * Seconds after the VMI starts before the first probe.
   * @default 120
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default 15
   */
  readonly periodSeconds?: number;
  /**
   * Seconds a probe may take (less than periodSeconds); generous because the guest is under load.
   * @default 10
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before a ready VMI turns not ready.
   * @default 10
   */
  readonly failureThreshold?: number;
}

/** A readiness probe run inside the guest by the qemu-guest-agent. */
export interface GuestReadinessProbe extends ReadinessTiming {
  /** argv run in the guest; exit status 0 means ready. */
  readonly command: readonly string[];
}

/** Default probe timing. */
export const DEFAULT_READINESS_TIMING: Required<ReadinessTiming> = {
  initialDelaySeconds: 120,
  periodSeconds: 15,
  timeoutSeconds: 10,
  failureThreshold: 10,
};

const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|path|mount|target)$/;

/**
 * The guest command that succeeds only when every unit is active. `systemctl is-active` with several units succeeds
 * when any one is active, so several units are checked one by one.
 */
export function unitsActiveCommand(units: readonly string[]): string[] {
  if (units.length === 0) throw new VirtworkError('a readiness probe needs at least one systemd unit');
  for (const u of units) {
    if (!UNIT_NAME.test(u)) throw new VirtworkError(`readiness probe: ${show(u)} is not a systemd unit name (e.g. "virtwork-cpu.service")`);
  }
  if (units.length === 1) return ['/usr/bin/systemctl', 'is-active', '--quiet', units[0]];
  return ['/bin/sh', '-c', units.map((u) => shellJoin(['systemctl', 'is-active', '--quiet', u])).join(' && ')];
}

/** The VMI `readinessProbe` of a guest probe, timings checked (timeout below period, as KubeVirt requires). */
export function readinessProbeSpec(where: string, p: GuestReadinessProbe): Record<string, unknown> {
  if (p.command.length === 0 || p.command.some((a) => typeof a !== 'string' || a.length === 0)) {
    throw new VirtworkError(`${where}: readinessProbe.command must be a non-empty argv of non-empty strings, got ${show(p.command)}`);
  }
  const t = { ...DEFAULT_READINESS_TIMING, ...definedOnly(p) };
  checkInt(`${where}: readinessProbe.initialDelaySeconds`, t.initialDelaySeconds, 0, 3600);
  checkInt(`${where}: readinessProbe.periodSeconds`, t.periodSeconds, 1, 3600);
  checkInt(`${where}: readinessProbe.timeoutSeconds`, t.timeoutSeconds, 1, 3600);
  checkInt(`${where}: readinessProbe.failureThreshold`, t.failureThreshold, 1, 1000);
  if (t.timeoutSeconds >= t.periodSeconds) {
    throw new VirtworkError(`${where}: readinessProbe.timeoutSeconds (${t.timeoutSeconds}) must be less than periodSeconds (${t.periodSeconds})`);
  }
  return {
    exec: { command: [...p.command] },
    failureThreshold: t.failureThreshold,
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds,
  };
}

function definedOnly(p: ReadinessTiming): ReadinessTiming {
  return Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined && k !== 'command')) as ReadinessTiming;
}
