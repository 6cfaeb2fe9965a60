import { VirtworkError, show } from '../core/errors';
import { checkInt } from '../core/quantity';
import { GUEST_FAMILY_TABLE, GuestFamily } from '../guest/guest-family';

/** The guest package KubeVirt talks to (guest OS info, IP addresses, freeze for snapshots). */
export const GUEST_AGENT_PACKAGE = 'qemu-guest-agent';
/** Its systemd unit. */
export const GUEST_AGENT_UNIT = 'qemu-guest-agent.service';

/**
 * Commands that make sure the guest agent runs: `start` (a no-op when it already runs, so an agent KubeVirt is
 * already talking to is never restarted mid-boot), `--no-block` so that a guest without the agent's virtio port
 * does not hold cloud-init up; `enable` only where the unit has an [Install] section (Debian's is static and
 * started by udev when the port appears). The readiness probe does not go through the agent (see
 * docs/architecture.md, "Readiness"), so its RPC filter is left as the distribution ships it.
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

/**
 * A VMI readiness probe: an HTTP GET answered inside the guest (kubelet reaches the guest through the pod network;
 * what virtwork's workloads use, see health-responder.ts), or an argv run by the qemu-guest-agent (`guest-exec`:
 * an escape hatch for users' own images whose agent allows it).
 */
export type GuestReadinessProbe = ReadinessTiming & (
  | { readonly httpGet: { readonly port: number; readonly path: string }; readonly command?: undefined }
  | { readonly command: readonly string[]; readonly httpGet?: undefined }
);

/** Default probe timing. */
export const DEFAULT_READINESS_TIMING: Required<ReadinessTiming> = {
  initialDelaySeconds: 120,
  periodSeconds: 15,
  timeoutSeconds: 10,
  failureThreshold: 10,
};

const HTTP_PATH = /^\/[A-Za-z0-9._~\/-]*$/;

/** The VMI `readinessProbe` of a guest probe, timings checked (timeout below period, as KubeVirt requires). */
export function readinessProbeSpec(where: string, p: GuestReadinessProbe): Record<string, unknown> {
  let handler: Record<string, unknown>;
  if (p.httpGet) {
    checkInt(`${where}: readinessProbe.httpGet.port`, p.httpGet.port, 1, 65535);
    if (!HTTP_PATH.test(p.httpGet.path)) throw new VirtworkError(`${where}: readinessProbe.httpGet.path must be an absolute URL path (e.g. "/virtwork/ready"), got ${show(p.httpGet.path)}`);
    handler = { httpGet: { path: p.httpGet.path, port: p.httpGet.port } };
  } else {
    if (!Array.isArray(p.command) || p.command.length === 0 || p.command.some((a) => typeof a !== 'string' || a.length === 0)) {
      throw new VirtworkError(`${where}: readinessProbe.command must be a non-empty argv of non-empty strings, got ${show(p.command)}`);
    }
    handler = { exec: { command: [...p.command] } };
  }
  const t = { ...DEFAULT_READINESS_TIMING, ...definedTiming(p) };
  checkInt(`${where}: readinessProbe.initialDelaySeconds`, t.initialDelaySeconds, 0, 3600);
  checkInt(`${where}: readinessProbe.periodSeconds`, t.periodSeconds, 1, 3600);
  checkInt(`${where}: readinessProbe.timeoutSeconds`, t.timeoutSeconds, 1, 3600);
  checkInt(`${where}: readinessProbe.failureThreshold`, t.failureThreshold, 1, 1000);
  if (t.timeoutSeconds >= t.periodSeconds) {
    throw new VirtworkError(`${where}: readinessProbe.timeoutSeconds (${t.timeoutSeconds}) must be less than periodSeconds (${t.periodSeconds})`);
  }
  return {
    ...handler,
    failureThreshold: t.failureThreshold,
    initialDelaySeconds: t.initialDelaySeconds,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds,
  };
}

const TIMING_KEYS = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const;

function definedTiming(p: ReadinessTiming): ReadinessTiming {
  return Object.fromEntries(TIMING_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])) as ReadinessTiming;
}
