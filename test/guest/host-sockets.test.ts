import { createConnection, createServer, Server, Socket } from 'node:net';
import { localSocketStates, waitForLocalSocket } from './_support/host-sockets';
import { freePort } from '../support/ports';

// the guest tier's pairs start the client's qemu only once the server's socket netdev listens, and then wait for the
// link: both read from /proc/net/tcp, with real sockets here
describe('host sockets of the guest tier (/proc/net/tcp)', () => {
  let server: Server | undefined;
  let client: Socket | undefined;
  afterEach(async () => {
    client?.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = client = undefined;
  });

  it('sees nothing on a free port, LISTEN once a server binds it, ESTABLISHED once a client connects', async () => {
    const port = await freePort();
    expect(localSocketStates(port)).toEqual([]);
    await expect(waitForLocalSocket(port, 'LISTEN', 300, 'nobody')).rejects.toThrow(`nobody: no LISTEN socket on 127.0.0.1:${port} after 300 ms (seen: none)`);

    server = createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    await waitForLocalSocket(port, 'LISTEN', 5000, 'the server');
    expect(localSocketStates(port)).toEqual(['LISTEN']);
    await expect(waitForLocalSocket(port, 'ESTABLISHED', 300, 'the link')).rejects.toThrow('(seen: LISTEN)');

    client = createConnection(port, '127.0.0.1');
    await new Promise((r) => client!.once('connect', r));
    await waitForLocalSocket(port, 'ESTABLISHED', 5000, 'the link');
    // the accepted end has the port as its local port; the client's end has it as the remote one
    expect(localSocketStates(port).sort()).toEqual(['ESTABLISHED', 'LISTEN']);
  });
});
