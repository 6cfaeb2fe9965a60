import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildImage } from '../../lib/image/build';
import { TIER_VARS } from './_support/tier-env';

/**
 * The guest tier's global setup: builds (or takes from the cache) the Debian golden image with `buildImage` —
 * the code path of `virtwork image build --family debian`, every workload — and makes the run's scratch directory.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const image = await buildImage({
    family: 'debian', env: process.env, cwd: resolve(__dirname, '../..'),
    // every workload unless a developer narrows it (VIRTWORK_GUEST_IMAGE_WORKLOADS=cpu,disk) to iterate faster
    workloads: process.env.VIRTWORK_GUEST_IMAGE_WORKLOADS?.split(',').filter(Boolean),
    progress: (line) => process.stderr.write(`[guest tier] ${line}\n`),
  });
  const workDir = mkdtempSync(join(process.env.VIRTWORK_GUEST_TMPDIR || tmpdir(), 'virtwork-guests-'));
  writeFileSync(join(workDir, 'qemu.pids'), '');
  writeFileSync(join(workDir, 'image.json'), JSON.stringify({ key: image.key, cached: image.cached, seconds: Math.round((Date.now() - started) / 1000) }));
  process.env[TIER_VARS.image] = image.qcow2;
  process.env[TIER_VARS.imageLabel] = image.key;
  process.env[TIER_VARS.workDir] = workDir;
  process.stderr.write(`[guest tier] image ${image.cached ? 'from the cache' : 'built'} in ${Math.round((Date.now() - started) / 1000)}s: ${image.qcow2}\n[guest tier] scratch: ${workDir}\n`);
}
