import { resolve } from 'node:path';
import { buildImage, debCacheDir } from '../../lib/image/build';
import { BootedGuest, prepareGuest } from './_support/scenario';
import { SynthVm, synthesizeForGuests } from './_support/manifests';
import { AptMirror, MIRROR_SOURCE, guestForward, startAptMirror } from './_support/apt-mirror';
import { tierEnv } from './_support/tier-env';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';
import { parseCloudConfig } from '../../lib/guest/cloud-init';

// Time to Ready with and without the golden image, same workloads, same run: guest A boots the golden image (the
// packages are in it, the user-data installs nothing); guest B boots an image built for cpu only (no fio, xfsprogs
// or PostgreSQL) with the user-data of a normal synth, which installs them at first boot — from a mirror on
// 127.0.0.1 (the image builder's .deb cache), the tier's stand-in for the Debian archive: a lower bound of a real
// install, which also waits on the internet.
const WORKLOADS = 'disk,database';
const PARAMS = ['disk.numjobs=1', 'disk.runtime=20', 'database.scale-factor=2', 'database.clients=2', 'database.duration=20'];
const golden = synthesizeForGuests(WORKLOADS, { ...GOLDEN_IMAGE_FLAGS, params: PARAMS });
const online = synthesizeForGuests(WORKLOADS, { ...GOLDEN_IMAGE_FLAGS, packagesPreinstalled: 'false', params: PARAMS });
const READY_MS = 15 * 60_000;
const packagesOf = (userData: string) => ((parseCloudConfig(userData).packages ?? []) as string[]);

describe('real guests: time to Ready with the golden image and with packages installed at boot (Debian, TCG)', () => {
  let a: BootedGuest;
  let b: BootedGuest;
  let mirror: AptMirror;
  let installs: string[];
  const ready = new Map<string, boolean>();
  beforeAll(async () => {
    const cpuOnly = await buildImage({
      family: 'debian', env: process.env, cwd: resolve(__dirname, '../..'), workloads: ['cpu'],
      progress: (line) => process.stderr.write(`[guest tier] (cpu-only image) ${line}\n`),
    });
    installs = [...new Set(online.vms.flatMap((v) => packagesOf(v.userData)))];
    mirror = await startAptMirror(debCacheDir(process.env));
    const inImage = new Set(cpuOnly.manifest.installed.map((p) => p.name));
    // what the image has already (util-linux is essential) needs no .deb; the rest must be in the mirror
    const missing = installs.filter((p) => !mirror.packages.has(p) && !inImage.has(p));
    if (missing.length) throw new Error(`the .deb cache (${debCacheDir(process.env)}) lacks ${missing.join(', ')}: build the golden image first (npm run test:guests does)`);
    expect(['fio', 'xfsprogs', 'postgresql'].filter((p) => inImage.has(p))).toEqual([]); // B really installs them
    a = await prepareGuest({ name: 'install-golden', vms: golden.vms, memoryMiB: 2048 });
    b = await prepareGuest({
      name: 'install-online', vms: online.vms, memoryMiB: 2048, image: cpuOnly.qcow2,
      apt: { preserve_sources_list: false, sources_list: `${MIRROR_SOURCE}\n` },
      guestForwards: [guestForward(`${tierEnv().workDir}`, mirror)],
    });
    // both at once, so that both see the same machine load; each guest's VMs probed from the moment its own
    // cloud-init is done (the other guest's boot never delays it)
    const upAndReady = async (g: BootedGuest, vms: readonly SynthVm[], budgetMs: number) => {
      await g.boot(budgetMs);
      const rs = await Promise.all(vms.map((v) => g.waitReady(v, READY_MS)));
      vms.forEach((v, i) => ready.set(v.name, rs[i].ready));
    };
    // installing at boot took 1,127 s to cloud-init done in the CI rehearsal (three guests on two cores): twice the
    // tier's boot budget for it
    await Promise.all([upAndReady(a, golden.vms, tierEnv().bootBudgetMs), upAndReady(b, online.vms, 2 * tierEnv().bootBudgetMs)]);
  });
  afterAll(async () => {
    a?.record({ variant: 'golden image' });
    b?.record({ variant: 'installed at boot', served: mirror?.served });
    await Promise.all([a?.stop(), b?.stop(), mirror?.close()]);
  });

  it('the user-data without the golden image lists the packages; the golden one lists none', () => {
    expect(installs).toEqual(expect.arrayContaining(['fio', 'xfsprogs', 'postgresql', 'qemu-guest-agent']));
    expect(golden.vms.flatMap((v) => packagesOf(v.userData))).toEqual([]);
  });

  it('cloud-init finishes without errors on both; the one without the golden image fetched the packages', async () => {
    expect([a.boots[0].cloudInitStatus, b.boots[0].cloudInitStatus]).toEqual(['done', 'done']);
    expect(mirror.served.debs).toBeGreaterThan(3);
    const status = (await b.sh("dpkg-query -W -f '${Package} ${Status}\\n' fio xfsprogs postgresql")).trim().split('\n').sort();
    expect(status).toEqual(['fio install ok installed', 'postgresql install ok installed', 'xfsprogs install ok installed']);
  });

  it.each(['virtwork-disk-', 'virtwork-database-'])('%s got Ready on both (times in timings.jsonl and docs/performance.md)', async (prefix) => {
    const vmA = golden.vms.find((v) => v.name.startsWith(prefix))!;
    const vmB = online.vms.find((v) => v.name.startsWith(prefix))!;
    expect([ready.get(vmA.name), ready.get(vmB.name)]).toEqual([true, true]);
    const ms = (g: BootedGuest, name: string) => g.boots[0].readyMs[name]!;
    process.stderr.write(`[guest tier] ${prefix.slice(0, -1)}: Ready ${Math.round(ms(a, vmA.name) / 1000)} s with the golden image, ${Math.round(ms(b, vmB.name) / 1000)} s installing at boot (${mirror.served.debs} .deb files, ${(mirror.served.bytes / 1048576).toFixed(0)} MiB from the mirror)\n`);
  });
});
