import { BootedGuest, prepareGuest } from './_support/scenario';
import { synthesizeForGuests } from './_support/manifests';
import { processes } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// disk, storage-bench, chaos-disk and database in one guest: four data disks, each with the serial of its manifest
const synth = synthesizeForGuests('disk,storage-bench,chaos-disk,database', {
  ...GOLDEN_IMAGE_FLAGS,
  params: [
    'disk.numjobs=1', 'disk.runtime=20', // 1 mixed + 2 sequential 1 GiB files fit the 4Gi default disk (XFS leaves ≈ 3.83Gi)
    'storage-bench.file-size=256M', 'storage-bench.runtime=5', 'storage-bench.ramp-time=1', 'storage-bench.iodepth=4',
    'storage-bench.profiles=randwrite;read', 'storage-bench.block-sizes=64k',
    'chaos-disk.mount=/mnt/chaos', 'chaos-disk.fill-percent=50', 'chaos-disk.fill-sleep=10', 'chaos-disk.release-sleep=5',
    'database.scale-factor=2', 'database.clients=2', 'database.duration=20',
  ],
});
const vm = (prefix: string) => synth.vms.find((v) => v.name.startsWith(prefix))!;
const READY_MS = 15 * 60_000;

describe('real guest: disk + storage-bench + chaos-disk + database, then a VM restart (Debian golden image, TCG)', () => {
  let g: BootedGuest;
  beforeAll(async () => {
    g = await prepareGuest({ name: 'storage', vms: synth.vms, memoryMiB: 2048 });
    await g.boot();
  });
  afterAll(async () => {
    g?.record();
    await g?.stop();
  });

  it('cloud-init finishes without errors', () => {
    expect([g.boots[0].cloudInitStatus, g.boots[0].cloudInitDetail]).toEqual(['done', expect.anything()]);
  });

  it('the data disks appear under the serials the manifests give them', async () => {
    const ids = (await g.sh('ls /dev/disk/by-id/')).split('\n');
    for (const d of synth.vms.flatMap((v) => v.disks).filter((d) => d.kind === 'data')) {
      expect(ids).toContain(`virtio-${(d as { serial: string }).serial}`);
    }
  });

  it.each(['virtwork-disk-', 'virtwork-storage-bench-', 'virtwork-chaos-disk-', 'virtwork-database-'])('the readinessProbe of %s passes', async (prefix) => {
    expect(await g.waitReady(vm(prefix), READY_MS)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
  });

  it('disk: fio writes to the data disk (its files grow or get rewritten)', async () => {
    const written = async () => Number(await g.sh("awk '$3 ~ /^vd/ {s += $10} END {print s}' /proc/diskstats"));
    const before = await written();
    await new Promise((r) => setTimeout(r, 20_000));
    expect((await written()) - before).toBeGreaterThan(2048); // sectors written across the guest's disks
    // and fio is what writes (pgbench and chaos-disk write too): a fio process within a run-and-pause cycle (20 s of
    // fio, 10 s between runs; a single sample can fall in the pause)
    const deadline = Date.now() + 90_000;
    let fio = (await processes(g, 'fio')).length;
    while (fio === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 3_000));
      fio = (await processes(g, 'fio')).length;
    }
    expect(fio).toBeGreaterThan(0);
  });

  it('database: pgbench runs transactions', async () => {
    const deadline = Date.now() + 8 * 60_000;
    let tx = 0;
    while (Date.now() < deadline && tx === 0) {
      tx = Number((await g.sh("su postgres -c \"psql -tAc 'select coalesce(sum(xact_commit),0) from pg_stat_database'\" 2>/dev/null || echo 0")).trim());
      if (tx < 1000) {
        tx = 0;
        await new Promise((r) => setTimeout(r, 15_000));
      }
    }
    expect(tx).toBeGreaterThanOrEqual(1000);
  });

  it('GIVEN a marker on the data disk WHEN the VM restarts (fresh root disk, same PVC) THEN the data survives and the load resumes', async () => {
    const device = '/dev/disk/by-id/virtio-virtwork-disk';
    await g.sh('echo survives > /mnt/data/virtwork-tier-marker && sync');
    const uuid = (await g.sh(`blkid -s UUID -o value ${device}`)).trim();
    await g.stop();
    await g.boot();
    expect([g.boots[1].cloudInitStatus, g.boots[1].cloudInitDetail]).toEqual(['done', expect.anything()]);
    expect((await g.sh(`blkid -s UUID -o value ${device}`)).trim()).toBe(uuid); // not formatted again
    expect((await g.sh('cat /mnt/data/virtwork-tier-marker')).trim()).toBe('survives');
    expect(await g.waitReady(vm('virtwork-disk-'), READY_MS)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
    expect(await g.waitReady(vm('virtwork-database-'), READY_MS)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
    // disk Ready again means a fio run succeeded after the restart (heartbeats are on tmpfs); and fio keeps writing
    // (sectors written over 30 s, which spans a run and the 10 s pause between runs — a fio process's CPU ticks
    // cannot be compared across that pause, the process is a new one)
    const written = async () => Number(await g.sh("awk '$3 ~ /^vd/ {s += $10} END {print s}' /proc/diskstats"));
    const before = await written();
    await new Promise((r) => setTimeout(r, 30_000));
    expect((await written()) - before).toBeGreaterThan(2048);
  });
});
