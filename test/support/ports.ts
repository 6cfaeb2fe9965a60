import { AddressInfo, Server, createServer } from 'node:net';

/** `count` distinct free TCP ports on 127.0.0.1 (held open together so they differ, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it next). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}
