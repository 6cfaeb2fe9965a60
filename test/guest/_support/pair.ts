import { BootedGuest, prepareGuest, serviceHosts } from './scenario';
import { SynthService, SynthVm } from './manifests';
import { tierEnv } from './tier-env';
import { waitForLocalSocket } from './host-sockets';
import { freePort } from '../../support/ports';

/** A server guest and a client guest joined by a qemu socket network (127.0.0.1 only), as a client/server workload runs. */
export interface GuestPair {
  readonly server: BootedGuest;
  readonly client: BootedGuest;
  /** MACs of the socket NICs (for interfaceBytes). */
  readonly mac: { readonly server: string; readonly client: string };
}

/**
 * Boots `server` and `client` (one VM each) on a socket network of their own: the server's qemu listens, the
 * client's connects; the Service names of `services` resolve to the server's address in the client, as cluster DNS
 * would. Both boot at once; the server's agent and cloud-init are awaited after the client's boot.
 *
 * The client's qemu starts only once the server's listens: a socket netdev whose connect is refused (a
 * non-blocking connect to loopback reports EINPROGRESS, then fails) leaves the client's NIC up but joined to
 * nothing, and every packet it sends is lost ("No route to host" forever). The link is then checked to be
 * established, so a broken link fails here, in seconds, rather than as a client that is never Ready.
 */
export async function bootPair(name: string, server: SynthVm, client: SynthVm, services: readonly SynthService[], subnet: number): Promise<GuestPair> {
  const ip = (host: number) => `192.168.${subnet}.${host}`;
  const mac = { server: `52:54:00:${subnet.toString(16).padStart(2, '0')}:00:01`, client: `52:54:00:${subnet.toString(16).padStart(2, '0')}:00:02` };
  const port = await freePort();
  const s = await prepareGuest({ name: `${name}-server`, vms: [server], memoryMiB: 1024, cpus: 1, socket: { mode: 'listen', port, mac: mac.server, ip: ip(1) } });
  const c = await prepareGuest({
    name: `${name}-client`, vms: [client], memoryMiB: 1024, cpus: 1,
    socket: { mode: 'connect', port, mac: mac.client, ip: ip(2) },
    hosts: serviceHosts(services, [server], ip(1)),
  });
  s.qemu.start(); // the listening end first; the client's qemu connects to it
  s.qemu.startedAt = Date.now();
  s.boots.push({ readyMs: {} });
  try {
    await waitForLocalSocket(port, 'LISTEN', 60_000, `${name}: the server's qemu socket netdev`);
    const booting = c.boot();
    booting.catch(() => undefined); // awaited below; a link failure must not leave it unhandled
    await waitForLocalSocket(port, 'ESTABLISHED', 60_000, `${name}: the socket link between the client's and the server's qemu`);
    await booting;
  } catch (err) {
    await Promise.all([c.stop(), s.stop()]);
    throw err;
  }
  const t = s.boots[0];
  const budget = tierEnv().bootBudgetMs;
  t.agentMs = await s.qemu.waitForAgent(budget);
  const ci = await s.qemu.waitForCloudInit(budget);
  t.cloudInitMs = ci.ms;
  t.cloudInitStatus = ci.status;
  t.cloudInitDetail = ci.detail;
  return { server: s, client: c, mac };
}

/** Records both guests' timings and stops them. */
export async function stopPair(p: GuestPair | undefined): Promise<void> {
  if (!p) return;
  p.client.record();
  p.server.record();
  await Promise.all([p.client.stop(), p.server.stop()]);
}

/**
 * What a person reads when the pair is not Ready or moves no traffic: the virtwork units' journal on both ends
 * (`units`, a journalctl pattern), what listens on the server, and both ends of the socket link.
 */
export async function pairDiagnosis(p: GuestPair, units: string): Promise<string> {
  const [server, client] = await Promise.all([p.server, p.client].map((g) => g.sh(
    `journalctl -b --no-pager -o short-monotonic -n 60 -u '${units}'; ss -ltnp; ip -s link; ip -br addr; ip neigh; cat /etc/hosts`,
    60_000,
  ).catch((err: Error) => `(agent: ${err.message})`)));
  return `server:\n${server}\nclient:\n${client}`;
}

/** Waits until both ends are Ready; when one is not, fails with the pair's diagnosis. */
export async function waitPairReady(p: GuestPair, vms: { server: SynthVm; client: SynthVm }, units: string, timeoutMs: number): Promise<void> {
  for (const [g, vm] of [[p.server, vms.server], [p.client, vms.client]] as const) {
    const r = await g.waitReady(vm, timeoutMs);
    if (!r.ready) throw new Error(`${vm.name} not Ready after ${timeoutMs} ms: ${JSON.stringify(r.last)}\n${await pairDiagnosis(p, units)}`);
  }
}
