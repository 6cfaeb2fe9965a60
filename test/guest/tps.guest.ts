import { GuestPair, bootPair, pairDiagnosis, stopPair, waitPairReady } from './_support/pair';
import { synthesizeForGuests } from './_support/manifests';
import { journal } from './_support/load';
import { GOLDEN_IMAGE_FLAGS } from './_support/flags';

// the tps pair: netserver + HTTP file server, and a client running netperf TCP_RR then HTTP downloads against the
// Service name, over a socket network of their own (netperf from Debian's non-free, built into the golden image)
const synth = synthesizeForGuests('tps', { ...GOLDEN_IMAGE_FLAGS, params: ['tps.duration=10', 'tps.iterations=1', 'tps.file-size=1M'] });
const server = synth.vms.find((v) => v.name.startsWith('virtwork-tps-server-'))!;
const client = synth.vms.find((v) => v.name.startsWith('virtwork-tps-client-'))!;

describe('real guests: tps pair (netperf TCP_RR + HTTP) over a socket network (Debian golden image, TCG)', () => {
  let p: GuestPair;
  beforeAll(async () => {
    p = await bootPair('tps', server, client, synth.services, 78);
  });
  afterAll(() => stopPair(p));

  it('cloud-init finishes without errors on both', () => {
    expect([p.server.boots[0].cloudInitStatus, p.client.boots[0].cloudInitStatus]).toEqual(['done', 'done']);
  });

  it('netperf\'s own SysV service did not start at boot (the image disabled it): netserver runs only under the workload\'s unit', async () => {
    // systemd makes netperf.service from /etc/init.d/netperf and starts it at boot only when the image left the
    // script's start links in /etc/rc[2-5].d
    expect(await p.server.sh('journalctl -b --no-pager -o cat -u netperf.service || true')).not.toMatch(/Start(ing|ed)/);
  });

  it('the server (netserver and HTTP listening) and the client (a round done) pass their readinessProbes', async () => {
    await waitPairReady(p, { server, client }, 'virtwork-tps*', 10 * 60_000);
  });

  it('netperf TCP_RR reports transactions per second and HTTP downloads complete', async () => {
    // the TCP_RR result line: socket sizes, request/response sizes, elapsed time, then the transaction rate
    const rates = (t: string) => [...t.matchAll(/^\s*\d+\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+([\d.]+)\s*$/gm)].map((m) => Number(m[1]));
    const transfers = (t: string) => [...t.matchAll(/^Completed:\s+(\d+) transfers/gm)].map((m) => Number(m[1]));
    const done = (t: string) => rates(t).some((r) => r > 0) && transfers(t).some((n) => n > 0);
    const deadline = Date.now() + 6 * 60_000;
    let text = '';
    while (Date.now() < deadline) {
      text = await journal(p.client, 'virtwork-tps*', 300);
      if (done(text)) break;
      await new Promise((r) => setTimeout(r, 10_000));
    }
    if (!done(text)) throw new Error(`no TCP_RR rate > 0 and HTTP transfer in the client's journal\n${await pairDiagnosis(p, 'virtwork-tps*')}\nclient journal seen:\n${text}`);
    expect(Math.max(...rates(text))).toBeGreaterThan(0);
    expect(Math.max(...transfers(text))).toBeGreaterThan(0);
  });
});
