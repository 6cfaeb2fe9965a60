import { BootedGuest, prepareGuest, serviceHosts } from './_support/scenario';
import { synthesizeForGuests } from './_support/manifests';
import { interfaceBytes, journal, processes } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// the network pair: two guests joined by a qemu socket network (127.0.0.1 only), the Service name resolving to
// the server's address as cluster DNS would
const synth = synthesizeForGuests('network', { ...GOLDEN_IMAGE_FLAGS, params: ['network.test-duration=10', 'network.parallel-streams=2'] });
const server = synth.vms.find((v) => v.name.startsWith('virtwork-network-server-'))!;
const client = synth.vms.find((v) => v.name.startsWith('virtwork-network-client-'))!;
const SERVER_IP = '192.168.77.1';
const PORT = 20000 + (process.pid % 20000);
const MAC = { server: '52:54:00:77:00:01', client: '52:54:00:77:00:02' };

describe('real guests: network pair over a socket network (Debian golden image, TCG)', () => {
  let s: BootedGuest;
  let c: BootedGuest;
  beforeAll(async () => {
    s = await prepareGuest({ name: 'network-server', vms: [server], memoryMiB: 1024, cpus: 1, socket: { mode: 'listen', port: PORT, mac: MAC.server, ip: SERVER_IP } });
    c = await prepareGuest({
      name: 'network-client', vms: [client], memoryMiB: 1024, cpus: 1,
      socket: { mode: 'connect', port: PORT, mac: MAC.client, ip: '192.168.77.2' },
      hosts: serviceHosts(synth.services, [server], SERVER_IP),
    });
    s.qemu.start(); // the listening end first; boot() below waits for it
    s.qemu.startedAt = Date.now();
    s.boots.push({ readyMs: {} });
    await c.boot();
    const t = s.boots[0];
    t.agentMs = await s.qemu.waitForAgent(15 * 60_000);
    const ci = await s.qemu.waitForCloudInit(15 * 60_000);
    t.cloudInitMs = ci.ms;
    t.cloudInitStatus = ci.status;
    t.cloudInitDetail = ci.detail;
  });
  afterAll(async () => {
    c?.record();
    s?.record();
    await Promise.all([c?.stop(), s?.stop()]);
  });

  it('cloud-init finishes without errors on both', () => {
    expect([s.boots[0].cloudInitStatus, c.boots[0].cloudInitStatus, s.boots[0].cloudInitDetail, c.boots[0].cloudInitDetail]).toEqual(['done', 'done', expect.anything(), expect.anything()]);
  });

  it('the server and the client pass their readinessProbes', async () => {
    expect(await s.waitReady(server, 10 * 60_000)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
    expect(await c.waitReady(client, 10 * 60_000)).toEqual({ ready: true, last: expect.objectContaining({ ok: true }) });
  });

  it('iperf3 moves bytes between the two guests (over 10 MB in 30 s on the socket NIC)', async () => {
    const before = await interfaceBytes(s, MAC.server);
    await new Promise((r) => setTimeout(r, 30_000));
    const moved = (await interfaceBytes(s, MAC.server)) - before;
    if (!(moved > 10_000_000)) {
      // say why where a person will look: the client's journal and both ends of the socket link
      const links = await Promise.all([s, c].map((g) => g.sh('ip -s link; ip -br addr; cat /etc/hosts')));
      throw new Error(`${moved} bytes on the server's socket NIC in 30 s (before: ${before})\nclient journal:\n${await journal(c, 'virtwork-network*', 40)}\nserver:\n${links[0]}\nclient:\n${links[1]}`);
    }
    expect((await processes(c, 'iperf3')).length).toBeGreaterThan(0);
  });
});
