import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** What the tier's global setup hands to the test files (through the environment, as jest workers share no memory). */
export interface TierEnv {
  /** The golden qcow2 every guest boots (the backing file of its overlays). */
  readonly image: string;
  /** The image's cache key, for the timings. */
  readonly imageLabel: string;
  /** Scratch directory of this run (guests' overlays, seeds, data disks, sockets, consoles). */
  readonly workDir: string;
  /** Every qemu PID started, one per line (teardown kills the ones still alive, by PID). */
  readonly pidFile: string;
  /** One JSON line per boot: scenario, ms to agent, cloud-init, Ready per VM. */
  readonly timingsFile: string;
  /** Hard limit on any qemu process's life. */
  readonly guestMaxSeconds: number;
  /** How long a boot may take until cloud-init is done (TCG on a shared machine is slow). */
  readonly bootBudgetMs: number;
  /** vCPUs of a guest whose plan names none: the host's cores shared among the guests that run at once. */
  readonly guestCpus: number;
}

/** The environment variables global setup sets. */
export const TIER_VARS = {
  image: 'VIRTWORK_GUEST_IMAGE',
  imageLabel: 'VIRTWORK_GUEST_IMAGE_KEY',
  workDir: 'VIRTWORK_GUEST_WORKDIR',
} as const;

export function tierEnv(): TierEnv {
  const image = process.env[TIER_VARS.image];
  const workDir = process.env[TIER_VARS.workDir];
  if (!image || !workDir) throw new Error('the guest tier runs through its own jest config: npm run test:guests');
  const minutes = Number(process.env.VIRTWORK_GUEST_BOOT_MINUTES || 20);
  return {
    image, workDir, imageLabel: process.env[TIER_VARS.imageLabel] ?? 'unknown',
    pidFile: join(workDir, 'qemu.pids'), timingsFile: join(workDir, 'timings.jsonl'),
    guestMaxSeconds: Number(process.env.VIRTWORK_GUEST_MAX_SECONDS || 3000), bootBudgetMs: minutes * 60_000,
    guestCpus: guestCpus(),
  };
}

/** Guests booted at once: one test file per jest worker, so test/guest/jest.config.js's maxWorkers (VIRTWORK_GUEST_WORKERS, default 4). */
export function guestWorkers(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(__dirname, '..', 'jest.config.js')) as { maxWorkers: number }).maxWorkers;
}

/**
 * vCPUs per guest: VIRTWORK_GUEST_CPUS, else the host's cores divided among the guests that run at once (at least
 * one). Never more vCPUs than cores: a TCG vCPU thread descheduled while it holds a guest spinlock stalls the guest's
 * other vCPUs (lock-holder preemption), and the CI rehearsal on 2 cores with two 2-vCPU guests saw a boot that took
 * 216 s alone not finish cloud-init in 830 s beside a guest running stress-ng.
 */
export function guestCpus(cores = availableParallelism(), workers = guestWorkers()): number {
  const given = Number(process.env.VIRTWORK_GUEST_CPUS);
  if (Number.isInteger(given) && given > 0) return given;
  return Math.max(1, Math.floor(cores / workers));
}
