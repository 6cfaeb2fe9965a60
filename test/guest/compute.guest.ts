import { BootedGuest, prepareGuest } from './_support/scenario';
import { synthesizeForGuests } from './_support/manifests';
import { cpuTicksOver, journal, processes } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// cpu, memory, chaos-network and the sysbench catalog entry in one guest: four VMs' user-data merged, four probes,
// one boot (netem on the user-mode NIC, the default route; small enough that the probes through its forward pass)
const synth = synthesizeForGuests('cpu,memory,chaos-network,sysbench', {
  ...GOLDEN_IMAGE_FLAGS,
  params: [
    'cpu.cpu-load-percent=50', 'memory.memory-percent=40', 'sysbench.test-duration=10', 'sysbench.loop-delay=2', 'sysbench.threads=1',
    'chaos-network.latency-ms=30', 'chaos-network.packet-loss-percent=0.5',
  ],
});
const vm = (prefix: string) => synth.vms.find((v) => v.name.startsWith(prefix))!;

describe('real guest: cpu + memory + chaos-network + catalog sysbench (Debian golden image, TCG)', () => {
  let g: BootedGuest;
  beforeAll(async () => {
    g = await prepareGuest({ name: 'compute', vms: synth.vms, memoryMiB: 1536 });
    await g.boot();
  });
  afterAll(async () => {
    g?.record();
    await g?.stop();
  });

  it('cloud-init finishes without errors (nothing to install: the image has the packages)', () => {
    expect([g.boots[0].cloudInitStatus, g.boots[0].cloudInitDetail]).toEqual(['done', expect.anything()]);
  });

  it.each(['virtwork-cpu-', 'virtwork-memory-', 'virtwork-chaos-network-', 'virtwork-sysbench-'])('the readinessProbe of %s passes as KubeVirt runs it', async (prefix) => {
    const r = await g.waitReady(vm(prefix), 10 * 60_000);
    expect(r).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
  });

  it('cpu: stress-ng workers use CPU time', async () => {
    expect(await cpuTicksOver(g, 'stress-ng', 10)).toBeGreaterThan(100); // > 1 CPU-second in 10 s (USER_HZ 100)
  });

  it('memory: stress-ng holds memory (VM workers resident well above zero)', async () => {
    // a VM stressor maps, fills and unmaps its share in cycles (no --vm-keep, as the Go tool), so one sample can fall
    // between cycles: the largest resident total over up to 3 minutes of samples is what it holds
    const resident = async () => (await processes(g, 'stress-ng')).filter((p) => p.rssKiB > 50 * 1024).reduce((a, p) => a + p.rssKiB, 0);
    const deadline = Date.now() + 3 * 60_000;
    let most = await resident();
    while (most <= 150 * 1024 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5_000));
      most = Math.max(most, await resident());
    }
    expect(most).toBeGreaterThan(150 * 1024);
  });

  it('chaos-network: a netem qdisc with the configured delay and loss sits on the default-route interface', async () => {
    const dev = (await g.sh("ip route show default | awk '{ for (i = 1; i < NF; i++) if ($i == \"dev\") { print $(i + 1); exit } }'")).trim();
    expect(dev).toBe('nic0');
    const qdisc = await g.sh(`tc qdisc show dev ${dev}`);
    expect(qdisc).toMatch(/qdisc netem \S+: root .*delay 30ms loss 0\.5%/);
  });

  it('sysbench: runs complete one after another', async () => {
    const deadline = Date.now() + 5 * 60_000;
    let text = '';
    while (Date.now() < deadline) {
      text = await journal(g, 'virtwork-sysbench*');
      if ((text.match(/events per second/g) ?? []).length >= 2) break;
      await new Promise((r) => setTimeout(r, 10_000));
    }
    expect((text.match(/events per second/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
