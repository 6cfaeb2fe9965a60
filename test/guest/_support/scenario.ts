import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { QemuGuest, GuestDisk, SocketNic, USER_NIC_MAC, writeSeed } from './qemu';
import { ProbeResult, probePort, runProbe, waitReady } from './probe';
import { SynthService, SynthVm } from './manifests';
import { tierEnv } from './tier-env';
import { freePort } from '../../support/ports';
import { HEALTH_PORT, RESPONDER_CONFIG, RESPONDER_UNIT } from '../../../lib/guest/health-responder';

/** One qemu guest of the tier, running the user-data of one or more synthesized VMs (merged). */
export interface GuestPlan {
  /** Scenario name (directory and log name). */
  readonly name: string;
  readonly vms: readonly SynthVm[];
  readonly memoryMiB?: number;
  /** vCPUs; by default the host's share per concurrent guest (tierEnv().guestCpus). */
  readonly cpus?: number;
  /** Address on the socket network, with the NIC; guests without one have only the isolated user-mode NIC. */
  readonly socket?: SocketNic & { readonly ip: string };
  /** Service names → address (the tier's stand-in for cluster DNS: kube-dns + the Service's endpoints). */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Changes to the disks (e.g. a read-only data disk for a negative case). */
  readonly disk?: (d: GuestDisk) => GuestDisk;
  /** Another qcow2 to boot than the tier's golden image (e.g. one without the workloads' packages). */
  readonly image?: string;
  /** cloud-init `apt` section the tier adds (e.g. the local mirror's sources). */
  readonly apt?: Readonly<Record<string, unknown>>;
  /** qemu guestfwd rules on the user-mode NIC (see apt-mirror.ts). */
  readonly guestForwards?: readonly string[];
}

/** Timings of one boot, ms since qemu started. */
export interface BootTimings {
  agentMs?: number;
  cloudInitMs?: number;
  cloudInitStatus?: string;
  /** `/run/cloud-init/result.json` when it finished (its errors, if any). */
  cloudInitDetail?: string;
  readyMs: Record<string, number | undefined>;
}

/** A booted guest with the probes of its VMs. */
export class BootedGuest {
  public readonly boots: BootTimings[] = [];
  private readonly ports = new Map<number, number>();

  public constructor(public readonly plan: GuestPlan, public readonly qemu: QemuGuest, ports: Map<number, number>) {
    this.ports = ports;
  }

  /** Starts (or restarts, with a fresh root overlay and the same data disks) and waits for the agent and cloud-init. */
  public async boot(budgetMs = tierEnv().bootBudgetMs): Promise<BootTimings> {
    const t: BootTimings = { readyMs: {} };
    this.boots.push(t);
    this.qemu.start();
    t.agentMs = await this.qemu.waitForAgent(budgetMs);
    const ci = await this.qemu.waitForCloudInit(budgetMs - t.agentMs);
    t.cloudInitMs = ci.ms;
    t.cloudInitStatus = ci.status;
    t.cloudInitDetail = ci.detail;
    return t;
  }

  /** Probes VM `vm` once. */
  public probeOnce(vm: SynthVm): Promise<ProbeResult> {
    return runProbe(this.probeOf(vm), this.target());
  }

  /** Waits until VM `vm`'s readinessProbe passes; records ms since qemu started; undefined when it never does. */
  public async waitReady(vm: SynthVm, timeoutMs: number): Promise<{ ready: boolean; last: ProbeResult }> {
    const r = await waitReady(this.probeOf(vm), this.target(), timeoutMs);
    const ms = r.readyAfterMs === undefined ? undefined : Date.now() - this.qemu.startedAt;
    this.boots[this.boots.length - 1].readyMs[vm.name] = ms;
    return { ready: r.readyAfterMs !== undefined, last: r.last };
  }

  /** Runs a shell command line in the guest through the agent. */
  public sh(script: string, timeoutMs?: number): Promise<string> {
    return this.qemu.agent.sh(script, timeoutMs);
  }

  public stop(): Promise<void> {
    return this.qemu.stop();
  }

  /** Appends this guest's timings to the tier's timings file (one JSON line per boot). */
  public record(extra: Record<string, unknown> = {}): void {
    for (const [i, b] of this.boots.entries()) {
      appendFileSync(tierEnv().timingsFile, `${JSON.stringify({ scenario: this.plan.name, boot: i + 1, image: tierEnv().imageLabel, ...b, ...extra })}\n`);
    }
  }

  /** The probe of `vm` as booted in this guest (its own responder port when several VMs share the guest). */
  private probeOf(vm: SynthVm) {
    const booted = this.plan.vms.find((v) => v.name === vm.name);
    if (!booted?.probe) throw new Error(`${this.plan.name}: ${vm.name} is not in this guest, or has no readinessProbe`);
    return booted.probe;
  }

  private target() {
    return {
      agent: this.qemu.agent,
      hostPort: (guest: number) => {
        const host = this.ports.get(guest);
        if (host === undefined) throw new Error(`${this.plan.name}: guest port ${guest} is not forwarded`);
        return host;
      },
    };
  }
}

/** Prepares a guest: merged user-data, NoCloud seed, disks of the first VM (plus data disks of the others), forwards. */
export async function prepareGuest(given: GuestPlan): Promise<BootedGuest> {
  const plan = { ...given, vms: ownResponders(given.vms) };
  const env = tierEnv();
  const dir = join(env.workDir, plan.name);
  mkdirSync(dir, { recursive: true });
  const userData = mergeUserData(plan.vms.map((v) => v.userData), plan.hosts, plan.apt);
  const first = plan.vms[0];
  const disks: GuestDisk[] = [
    ...first.disks.filter((d) => d.kind !== 'data'),
    ...plan.vms.flatMap((v) => v.disks.filter((d) => d.kind === 'data')),
  ].map((d) => (plan.disk ? plan.disk(d) : d));
  const ports = new Map<number, number>();
  for (const v of plan.vms) {
    const p = v.probe ? probePort(v.probe) : undefined;
    if (p !== undefined && !ports.has(p)) ports.set(p, await freePort());
  }
  const networkConfig = guestNetworkConfig(plan.socket);
  const seed = writeSeed(dir, {
    userData,
    metaData: `instance-id: ${first.name}.${first.namespace}\nlocal-hostname: ${first.name}\n`,
    networkConfig,
  });
  const qemu = new QemuGuest({
    name: plan.name, dir, image: plan.image ?? env.image, seed, disks, guestForwards: plan.guestForwards,
    cpus: plan.cpus ?? env.guestCpus, memoryMiB: plan.memoryMiB ?? 1536,
    forwards: [...ports].map(([guest, host]) => ({ guest, host })),
    socketNic: plan.socket, maxSeconds: env.guestMaxSeconds, pidFile: env.pidFile,
  });
  return new BootedGuest(plan, qemu, ports);
}

/**
 * Several VMs in one guest stand for several guests: each VM's health responder gets its own config file, unit and
 * port (HEALTH_PORT + its index), and its probe that port, so that each VM's probe asks its own checks only (one
 * shared config would make the last VM's checks everybody's). A guest of one VM is booted exactly as synthesized.
 */
export function ownResponders(vms: readonly SynthVm[]): SynthVm[] {
  if (vms.filter((v) => v.probe?.httpGet?.port === HEALTH_PORT).length < 2) return [...vms];
  return vms.map((v, i) => {
    if (v.probe?.httpGet?.port !== HEALTH_PORT) return v;
    const port = HEALTH_PORT + i;
    const config = RESPONDER_CONFIG.replace(/\.json$/, `-${i}.json`);
    const unit = RESPONDER_UNIT.replace(/\.service$/, `-${i}.service`);
    const doc = parse(v.userData) as { write_files: { path: string; content: string }[]; runcmd: string[][] };
    for (const f of doc.write_files) {
      if (f.path === RESPONDER_CONFIG) f.path = config;
      if (f.path === `/etc/systemd/system/${RESPONDER_UNIT}`) {
        f.path = `/etc/systemd/system/${unit}`;
        f.content = f.content.replace(` --config ${RESPONDER_CONFIG} `, ` --config ${config} `).replace(` --port ${HEALTH_PORT} `, ` --port ${port} `);
        if (!f.content.includes(config) || !f.content.includes(`--port ${port}`)) throw new Error(`${v.name}: the responder unit changed shape; update ownResponders`);
      }
    }
    doc.runcmd = doc.runcmd.map((c) => c.map((a) => (a === RESPONDER_UNIT ? unit : a)));
    return { ...v, userData: `#cloud-config\n${stringify(doc, { version: '1.1', lineWidth: 0, blockQuote: 'literal' })}`, probe: { ...v.probe, httpGet: { ...v.probe.httpGet, port } } };
  });
}

/** The user-mode NIC's address, as slirp's DHCP would hand it out (10.0.2.0/24, gateway 10.0.2.2). */
export const USER_NIC = { mac: USER_NIC_MAC, address: '10.0.2.15/24', gateway: '10.0.2.2' } as const;

/**
 * The NoCloud network-config (v2) of a guest: static addresses on the user-mode NIC and, when there is one, on the
 * socket NIC, so that no guest waits on DHCP (ifupdown's dhclient blocks networking.service for minutes under TCG).
 * Written as YAML 1.1, which is what cloud-init's PyYAML reads: an unquoted MAC such as 52:54:00:00:00:01 is a
 * base-60 integer there, and cloud-init-local fails on it.
 */
export function guestNetworkConfig(socket?: GuestPlan['socket']): string {
  const ethernets: Record<string, unknown> = {
    nic0: { match: { macaddress: USER_NIC.mac }, 'set-name': 'nic0', dhcp4: false, addresses: [USER_NIC.address], gateway4: USER_NIC.gateway },
  };
  if (socket) ethernets.nic1 = { match: { macaddress: socket.mac }, 'set-name': 'nic1', dhcp4: false, addresses: [`${socket.ip}/24`] };
  return stringify({ version: 2, ethernets }, { version: '1.1' });
}

/**
 * Merges several `#cloud-config` documents into one guest's user-data: `packages`, `write_files`, `runcmd` and
 * `bootcmd` concatenated in order (duplicates of packages dropped), other keys from the first document that has
 * them. `hosts` become /etc/hosts lines written by a `bootcmd` (the tier's cluster DNS); `apt`, when given, is the
 * `apt` section (the tier's mirror).
 */
export function mergeUserData(docs: readonly string[], hosts: Readonly<Record<string, string>> = {}, apt?: Readonly<Record<string, unknown>>): string {
  const merged: Record<string, any> = {};
  for (const text of docs) {
    const doc = parse(text) as Record<string, any>;
    for (const [k, v] of Object.entries(doc)) {
      if (['write_files', 'runcmd', 'bootcmd'].includes(k)) merged[k] = [...(merged[k] ?? []), ...v];
      else if (k === 'packages') merged[k] = [...new Set([...(merged[k] ?? []), ...v])];
      else if (!(k in merged)) merged[k] = v;
    }
  }
  if (apt) merged.apt = apt;
  const lines = Object.entries(hosts).map(([name, ip]) => `${ip} ${name} # virtwork guest tier`);
  if (lines.length) {
    merged.bootcmd = [['sh', '-c', `grep -q 'virtwork guest tier' /etc/hosts || printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} >> /etc/hosts`], ...(merged.bootcmd ?? [])];
  }
  return `#cloud-config\n${stringify(merged, { version: '1.1', lineWidth: 0, blockQuote: 'literal' })}`;
}

/** `<service>.<ns>.svc.cluster.local` and the short forms, for every Service whose selector picks one of `vms`. */
export function serviceHosts(services: readonly SynthService[], vms: readonly SynthVm[], ip: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of services) {
    // the virt-launcher pod carries the VM template's labels plus vm.kubevirt.io/name, which KubeVirt adds
    const picks = (v: SynthVm) => Object.entries(s.selector).every(([k, val]) => ({ ...v.labels, 'vm.kubevirt.io/name': v.name } as Record<string, string>)[k] === val);
    if (!vms.some(picks)) continue;
    for (const n of [`${s.name}.${s.namespace}.svc.cluster.local`, `${s.name}.${s.namespace}.svc`, `${s.name}.${s.namespace}`, s.name]) out[n] = ip;
  }
  return out;
}
