import { BootedGuest, prepareGuest, serviceHosts } from './_support/scenario';
import { synthesizeForGuests } from './_support/manifests';
import { journal } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// a network client whose server does not exist, a disk VM whose data disk cannot be written, and chaos-process
// (which must be Ready) in one guest
const net = synthesizeForGuests('network', { ...GOLDEN_IMAGE_FLAGS, params: ['network.test-duration=10'] });
const rest = synthesizeForGuests('disk,chaos-process', { ...GOLDEN_IMAGE_FLAGS, params: ['disk.numjobs=1', 'disk.runtime=20', 'chaos-process.interval=20'] });
const client = net.vms.find((v) => v.name.startsWith('virtwork-network-client-'))!;
const server = net.vms.find((v) => v.name.startsWith('virtwork-network-server-'))!;
const disk = rest.vms.find((v) => v.name.startsWith('virtwork-disk-'))!;
const chaos = rest.vms.find((v) => v.name.startsWith('virtwork-chaos-process-'))!;
// the window a broken VM must stay NotReady: longer than any heartbeat bound of these workloads' periods
const NOT_READY_WINDOW_MS = 4 * 60_000;

describe('real guest: broken workloads are not Ready (Debian golden image, TCG)', () => {
  let g: BootedGuest;
  beforeAll(async () => {
    g = await prepareGuest({
      name: 'negative', vms: [client, disk, chaos], memoryMiB: 1024, cpus: 1,
      // the Service exists but has no endpoint: its name resolves to an address nothing answers on
      hosts: serviceHosts(net.services, [server], '10.0.2.99'),
      disk: (d) => (d.kind === 'data' ? { ...d, readonly: true } : d),
    });
    await g.boot();
  });
  afterAll(async () => {
    g?.record({ negative: true });
    await g?.stop();
  });

  it('chaos-process is Ready (it needs nothing broken)', async () => {
    expect(await g.waitReady(chaos, 10 * 60_000)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
  });

  it('the network client without its server and the disk VM that cannot write stay NotReady', async () => {
    const deadline = Date.now() + NOT_READY_WINDOW_MS;
    const seen: string[] = [];
    while (Date.now() < deadline) {
      for (const vm of [client, disk]) {
        const r = await g.probeOnce(vm);
        if (r.ok) seen.push(`${vm.name} Ready: ${r.detail}`);
      }
      await new Promise((r) => setTimeout(r, 15_000));
    }
    expect(seen).toEqual([]);
  });

  it('the journal says why: the client cannot reach its server', async () => {
    expect(await journal(g, 'virtwork-network*')).toMatch(/unable to connect|connect|No route|refused|timed out/i);
  });
});
