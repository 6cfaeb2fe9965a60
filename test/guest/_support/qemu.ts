import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuestAgent } from './qga';

/** A disk of a guest, in KubeVirt's order. */
export type GuestDisk =
  | { readonly kind: 'root'; readonly name: string }
  | { readonly kind: 'cloudinit'; readonly name: string }
  | { readonly kind: 'data'; readonly name: string; readonly serial?: string; readonly sizeBytes: number; readonly readonly?: boolean };

/** The MAC of every guest's user-mode NIC (the tier's network-config matches it). */
export const USER_NIC_MAC = '52:54:00:00:00:01';

/** A NIC on a qemu socket network joining only the test's own guests (no traffic leaves the machine). */
export interface SocketNic {
  readonly mac: string;
  /** `listen` on one guest, `connect` on the other, both 127.0.0.1:port. */
  readonly mode: 'listen' | 'connect';
  readonly port: number;
}

/** How to run one guest. */
export interface QemuGuestOptions {
  readonly name: string;
  /** Scratch directory of the guest (overlay, seed, data disks, sockets, console log). */
  readonly dir: string;
  /** The golden qcow2 (read-only backing file of a fresh overlay). */
  readonly image: string;
  /** NoCloud seed ISO. */
  readonly seed: string;
  readonly disks: readonly GuestDisk[];
  readonly cpus: number;
  readonly memoryMiB: number;
  /** Guest TCP ports forwarded from 127.0.0.1 (host port chosen by the caller). */
  readonly forwards?: ReadonlyArray<{ readonly host: number; readonly guest: number }>;
  readonly socketNic?: SocketNic;
  /** qemu `guestfwd` rules on the user-mode NIC (guest connections to an address, handed to a host command). */
  readonly guestForwards?: readonly string[];
  /** Hard limit on the qemu process's life (coreutils timeout kills it even if jest dies). */
  readonly maxSeconds: number;
  /** Records every qemu PID started (the tier's teardown kills what is left). */
  readonly pidFile: string;
}

/** `kvm` when VIRTWORK_GUEST_ACCEL=kvm (it must really boot guests), else TCG: /dev/kvm on these machines does not. */
export function accelerator(): string {
  return process.env.VIRTWORK_GUEST_ACCEL === 'kvm' ? 'kvm' : 'tcg,thread=multi';
}

/**
 * One qemu guest booted like a KubeVirt VMI: q35, virtio disks in the VMI's order (the data disk with its serial),
 * the NoCloud seed as a cdrom-less virtio disk labelled cidata, the guest agent on virtio-serial, a user-mode NIC
 * with `restrict=on` (nothing leaves the machine; only the 127.0.0.1 forwards reach the guest), and optionally a
 * second NIC on a socket network shared with the test's other guests.
 */
export class QemuGuest {
  public readonly agent: GuestAgent;
  public readonly console: string;
  public startedAt = 0;
  private proc?: ChildProcess;
  private boots = 0;

  public constructor(public readonly o: QemuGuestOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.console = join(o.dir, 'console.log');
    this.agent = new GuestAgent(join(o.dir, 'qga.sock'));
  }

  /**
   * Starts qemu with a fresh root overlay (as KubeVirt does on every VMI start: a containerDisk is ephemeral)
   * and the same data disks (created once, like a PVC).
   */
  public start(): void {
    if (this.proc) throw new Error(`${this.o.name}: already running`);
    this.boots++;
    const overlay = join(this.o.dir, `root-${this.boots}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', this.o.image, overlay]);
    const args = [
      '-name', this.o.name, '-machine', 'q35', '-accel', accelerator(), '-cpu', 'max', '-smp', String(this.o.cpus), '-m', String(this.o.memoryMiB),
      '-display', 'none', '-monitor', 'none', '-serial', `file:${this.console}`, '-no-user-config', '-nodefaults',
      '-chardev', `socket,id=qga0,path=${this.agent['path']},server=on,wait=off`,
      '-device', 'virtio-serial-pci', '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
    ];
    this.o.disks.forEach((d, i) => {
      const id = `disk${i}`;
      if (d.kind === 'root') args.push('-drive', `file=${overlay},if=none,id=${id},format=qcow2`);
      else if (d.kind === 'cloudinit') args.push('-drive', `file=${this.o.seed},if=none,id=${id},format=raw,readonly=on`);
      else {
        // by position too: VMs merged into one guest each name their data disk `datadisk`
        const file = join(this.o.dir, `${id}-${d.name}.qcow2`);
        if (!existsSync(file)) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, String(d.sizeBytes)]);
        args.push('-drive', `file=${file},if=none,id=${id},format=qcow2${d.readonly ? ',readonly=on' : ''}`);
      }
      args.push('-device', `virtio-blk-pci,drive=${id}${d.kind === 'data' && d.serial ? `,serial=${d.serial}` : ''}${i === 0 ? ',bootindex=1' : ''}`);
    });
    const fwd = (this.o.forwards ?? []).map((f) => `,hostfwd=tcp:127.0.0.1:${f.host}-:${f.guest}`).join('');
    const gfwd = (this.o.guestForwards ?? []).map((g) => `,guestfwd=${g}`).join('');
    args.push('-netdev', `user,id=net0,restrict=on${fwd}${gfwd}`, '-device', `virtio-net-pci,netdev=net0,mac=${USER_NIC_MAC}`);
    if (this.o.socketNic) {
      const n = this.o.socketNic;
      args.push('-netdev', `socket,id=net1,${n.mode}=127.0.0.1:${n.port}`, '-device', `virtio-net-pci,netdev=net1,mac=${n.mac}`);
    }
    appendFileSync(this.console, `\n==== virtwork guest tier: boot ${this.boots} of ${this.o.name} at ${new Date().toISOString()}\n`);
    this.startedAt = Date.now();
    this.proc = spawn('timeout', ['--kill-after=10', String(this.o.maxSeconds), 'nice', '-n', '10', 'qemu-system-x86_64', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc.stderr!.on('data', (b: Buffer) => appendFileSync(join(this.o.dir, 'qemu.stderr'), b));
    appendFileSync(this.o.pidFile, `${this.proc.pid}\n`);
    this.proc.once('exit', () => (this.proc = undefined));
  }

  /** Whether qemu still runs. */
  public get running(): boolean {
    return this.proc !== undefined;
  }

  /** Stops qemu by its PID (SIGTERM to the timeout wrapper, which passes it on; SIGKILL after 10 s) and waits. */
  public async stop(): Promise<void> {
    this.agent.close();
    const p = this.proc;
    if (!p) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  }

  /** Waits until the guest agent answers (it starts once the virtio-serial port appears in the guest). */
  public async waitForAgent(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.o.name}: qemu exited: ${this.stderr()}${this.tail()}`);
      try {
        await this.agent.connect(3000);
        await this.agent.command({ execute: 'guest-ping' });
        return Date.now() - this.startedAt;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${this.o.name}: guest agent not answering after ${timeoutMs} ms (${(err as Error).message}); console:\n${this.tail()}`);
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  /**
   * Waits until cloud-init has finished: its `/run/cloud-init/result.json` exists (written at the end of the final
   * stage). Read with `cat`, not `cloud-init status`: under TCG beside load generators a python start takes tens of
   * seconds, a timed-out exec keeps running in the guest, and polling piled them up (CI 2026-12-02: a guest done at
   * 188 s of uptime was seen done at 576 s). Returns ms since start, `done` / `error` / `degraded`, and the file.
   */
  public async waitForCloudInit(timeoutMs: number): Promise<{ ms: number; status: string; detail: string }> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      let text = '';
      try {
        const r = await this.agent.exec(['/usr/bin/cat', '/run/cloud-init/result.json'], 20000);
        text = r.exitcode === 0 ? r.stdout : '';
        last = text ? 'result.json unreadable' : 'no /run/cloud-init/result.json yet';
      } catch (err) {
        this.agent.close(); // the agent restarted or is busy: reconnect on the next round
        last = `agent: ${(err as Error).message}`;
      }
      if (!this.running) throw new Error(`${this.o.name}: qemu exited: ${this.tail()}`);
      const result = cloudInitResult(text);
      if (result) return { ms: Date.now() - this.startedAt, status: result, detail: text };
      if (Date.now() > deadline) throw new Error(`${this.o.name}: cloud-init not finished after ${timeoutMs} ms (${last}); console:\n${this.tail()}`);
      await new Promise((res) => setTimeout(res, 5000));
    }
  }

  /** qemu's own error output. */
  public stderr(): string {
    const f = join(this.o.dir, 'qemu.stderr');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** The console log's last lines (for failure messages). */
  public tail(lines = 30): string {
    return existsSync(this.console) ? readFileSync(this.console, 'utf8').split('\n').slice(-lines).join('\n') : '(no console log)';
  }
}

/** Writes a NoCloud seed ISO (volume id `cidata`, as KubeVirt's cloudInitNoCloud disk) with genisoimage. */
export function writeSeed(dir: string, files: { userData: string; metaData: string; networkConfig?: string }): string {
  const src = join(dir, 'seed');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'user-data'), files.userData);
  writeFileSync(join(src, 'meta-data'), files.metaData);
  const names = ['user-data', 'meta-data'];
  if (files.networkConfig) {
    writeFileSync(join(src, 'network-config'), files.networkConfig);
    names.push('network-config');
  }
  const iso = join(dir, 'seed.iso');
  execFileSync('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', ...names.map((n) => join(src, n))]);
  return iso;
}

/**
 * cloud-init's outcome from `/run/cloud-init/result.json` (`{"v1": {"errors": [...], "recoverable_errors": {...}}}`):
 * `error` when it lists errors, `degraded` when only recoverable ones (cloud-init ≥ 23.4), else `done`; undefined
 * while the file is missing or half-written.
 */
export function cloudInitResult(text: string): 'done' | 'error' | 'degraded' | undefined {
  if (!text.trim()) return undefined;
  let doc: { v1?: { errors?: unknown[]; recoverable_errors?: Record<string, unknown[]> } };
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!doc.v1) return undefined;
  if ((doc.v1.errors ?? []).length) return 'error';
  if (Object.values(doc.v1.recoverable_errors ?? {}).some((l) => l.length)) return 'degraded';
  return 'done';
}
