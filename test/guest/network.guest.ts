import { GuestPair, bootPair, pairDiagnosis, stopPair, waitPairReady } from './_support/pair';
import { synthesizeForGuests } from './_support/manifests';
import { interfaceBytes, processes } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// the network pair: two guests joined by a qemu socket network (127.0.0.1 only), the Service name resolving to
// the server's address as cluster DNS would
const synth = synthesizeForGuests('network', { ...GOLDEN_IMAGE_FLAGS, params: ['network.test-duration=10', 'network.parallel-streams=2'] });
const server = synth.vms.find((v) => v.name.startsWith('virtwork-network-server-'))!;
const client = synth.vms.find((v) => v.name.startsWith('virtwork-network-client-'))!;

describe('real guests: network pair over a socket network (Debian golden image, TCG)', () => {
  let p: GuestPair;
  beforeAll(async () => {
    p = await bootPair('network', server, client, synth.services, 77);
  });
  afterAll(() => stopPair(p));

  it('cloud-init finishes without errors on both', () => {
    expect([p.server.boots[0].cloudInitStatus, p.client.boots[0].cloudInitStatus, p.server.boots[0].cloudInitDetail, p.client.boots[0].cloudInitDetail]).toEqual(['done', 'done', expect.anything(), expect.anything()]);
  });

  it('the server and the client pass their readinessProbes', async () => {
    await waitPairReady(p, { server, client }, 'virtwork-network*', 10 * 60_000);
  });

  it('iperf3 moves bytes between the two guests (over 10 MB in 30 s on the socket NIC)', async () => {
    const before = await interfaceBytes(p.server, p.mac.server);
    await new Promise((r) => setTimeout(r, 30_000));
    const moved = (await interfaceBytes(p.server, p.mac.server)) - before;
    if (!(moved > 10_000_000)) {
      throw new Error(`${moved} bytes on the server's socket NIC in 30 s (before: ${before})\n${await pairDiagnosis(p, 'virtwork-network*')}`);
    }
    expect((await processes(p.client, 'iperf3')).length).toBeGreaterThan(0);
  });
});
