import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TIER_VARS } from './_support/tier-env';

/**
 * Kills every qemu the tier started that still runs (by the PIDs it recorded, nothing else), prints the timings,
 * and deletes the run's disk images (logs and timings stay for a look after a failure).
 */
export default async function globalTeardown(): Promise<void> {
  const workDir = process.env[TIER_VARS.workDir];
  if (!workDir || !existsSync(workDir)) return;
  const pids = readFileSync(join(workDir, 'qemu.pids'), 'utf8').split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
      process.stderr.write(`[guest tier] stopped leftover qemu wrapper ${pid}\n`);
    } catch {
      // already gone
    }
  }
  const timings = join(workDir, 'timings.jsonl');
  if (existsSync(timings)) {
    process.stderr.write('[guest tier] boot timings (s since qemu start: agent / cloud-init done / Ready per VM)\n');
    for (const line of readFileSync(timings, 'utf8').split('\n').filter(Boolean)) {
      const t = JSON.parse(line);
      const s = (ms?: number) => (ms === undefined ? '-' : (ms / 1000).toFixed(0));
      const ready = Object.entries(t.readyMs ?? {}).map(([vm, ms]) => `${vm}=${s(ms as number | undefined)}`).join(' ');
      process.stderr.write(`  ${t.scenario} boot ${t.boot}: ${s(t.agentMs)} / ${s(t.cloudInitMs)} (${t.cloudInitStatus}) / ${ready}\n`);
    }
  }
  for (const entry of readdirSync(workDir, { recursive: true }) as string[]) {
    const path = join(workDir, entry);
    if (/\.(qcow2|iso)$/.test(entry) && statSync(path).isFile()) rmSync(path);
  }
  process.stderr.write(`[guest tier] logs kept in ${workDir}\n`);
}
