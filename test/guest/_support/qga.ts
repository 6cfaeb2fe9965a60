import { Socket, createConnection } from 'node:net';

/** What a command run through `guest-exec` returned. */
export interface ExecResult {
  readonly exitcode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A client of the qemu-guest-agent on its virtio-serial port (the host end is a qemu chardev unix socket), speaking
 * the agent's JSON protocol as virt-launcher does: `guest-sync-delimited` to resynchronise (the reply is preceded by
 * 0xFF), then one command at a time, each reply one JSON line.
 */
export class GuestAgent {
  private socket?: Socket;
  private buffer = '';
  private waiting?: { resolve: (v: unknown) => void; reject: (e: Error) => void };
  private syncId = Math.floor(Math.random() * 1e9);

  public constructor(private readonly path: string) {}

  /** Connects (the socket appears when qemu starts) and resynchronises; rejects after `timeoutMs`. */
  public async connect(timeoutMs = 5000): Promise<void> {
    this.close();
    await new Promise<void>((resolve, reject) => {
      const s = createConnection(this.path);
      const t = setTimeout(() => { s.destroy(); reject(new Error(`guest agent socket ${this.path}: connect timed out`)); }, timeoutMs);
      s.once('connect', () => { clearTimeout(t); resolve(); });
      s.once('error', (e) => { clearTimeout(t); reject(e); });
      s.on('data', (b) => this.onData(b));
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        this.waiting?.reject(new Error('guest agent socket closed'));
      });
      this.socket = s;
    });
    const id = ++this.syncId;
    try {
      const back = await this.command({ execute: 'guest-sync-delimited', arguments: { id } }, timeoutMs);
      if (back !== id) throw new Error(`guest agent: sync returned ${JSON.stringify(back)}, want ${id}`);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Sends one command and resolves with its `return` (rejects with the agent's error or after `timeoutMs`). */
  public command(cmd: Record<string, unknown>, timeoutMs = 10000): Promise<unknown> {
    if (!this.socket) return Promise.reject(new Error('guest agent: not connected'));
    if (this.waiting) return Promise.reject(new Error('guest agent: one command at a time'));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiting = undefined; reject(new Error(`guest agent: ${String(cmd.execute)} timed out after ${timeoutMs} ms`)); }, timeoutMs);
      this.waiting = {
        resolve: (v) => { clearTimeout(t); this.waiting = undefined; resolve(v); },
        reject: (e) => { clearTimeout(t); this.waiting = undefined; reject(e); },
      };
      this.socket!.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  /**
   * Runs `argv` in the guest as KubeVirt's exec probe does (`guest-exec` with captured output, then
   * `guest-exec-status` until it exits); rejects when it has not exited within `timeoutMs`.
   */
  public async exec(argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const deadline = Date.now() + timeoutMs;
    if (!this.socket) await this.connect(Math.min(timeoutMs, 5000)); // the agent restarted (cloud-init's runcmd may)
    const started = (await this.command({ execute: 'guest-exec', arguments: { path: argv[0], arg: argv.slice(1), 'capture-output': true } }, timeoutMs)) as { pid: number };
    for (;;) {
      const st = (await this.command({ execute: 'guest-exec-status', arguments: { pid: started.pid } }, Math.max(1000, deadline - Date.now()))) as {
        exited: boolean; exitcode?: number; signal?: number; 'out-data'?: string; 'err-data'?: string;
      };
      if (st.exited) {
        const text = (b?: string) => (b ? Buffer.from(b, 'base64').toString('utf8') : '');
        return { exitcode: st.exitcode ?? 128 + (st.signal ?? 0), stdout: text(st['out-data']), stderr: text(st['err-data']) };
      }
      if (Date.now() > deadline) throw new Error(`guest-exec ${argv.join(' ')}: still running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Runs a shell command line and returns its stdout, failing on a non-zero exit. */
  public async sh(script: string, timeoutMs = 30000): Promise<string> {
    const r = await this.exec(['/bin/sh', '-c', script], timeoutMs);
    if (r.exitcode !== 0) throw new Error(`guest: sh -c ${JSON.stringify(script)} exited ${r.exitcode}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  public close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.buffer = '';
    this.waiting = undefined;
  }

  private onData(b: Buffer): void {
    // the reply to guest-sync-delimited starts with 0xFF; anything before it is stale output of an earlier session
    const i = b.lastIndexOf(0xff);
    if (i >= 0) {
      this.buffer = '';
      b = b.subarray(i + 1);
    }
    this.buffer += b.toString('utf8');
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line) as { return?: unknown; error?: { class: string; desc: string } };
      if (msg.error) this.waiting?.reject(new Error(`guest agent: ${msg.error.class}: ${msg.error.desc}`));
      else this.waiting?.resolve(msg.return);
    }
  }
}
