import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** How a stand-in VM's counters behave: growing at their rates, frozen, or not exported at all. */
export type VmMode = 'moving' | 'flat' | 'absent';

/** One VM of the synthetic run: its per-second rates of KubeVirt counters while moving. */
export interface StandInVm {
  readonly name: string;
  readonly rates: Readonly<Record<string, number>>;
}

/**
 * A stand-in for virt-handler's metrics endpoint (KubeVirt's controllers cannot run here): serves the KubeVirt-named
 * counters of a synthetic run in the Prometheus text format, labelled like virt-handler does (namespace, name, node,
 * plus interface / drive), growing at each VM's rates, frozen for `flat` VMs, left out for `absent` ones.
 */
export class StandInExporter {
  public readonly modes = new Map<string, VmMode>();
  private readonly server: http.Server;
  private readonly values = new Map<string, number>();
  private last = Date.now();

  public constructor(private readonly namespace: string, private readonly vms: readonly StandInVm[]) {
    for (const vm of vms) this.modes.set(vm.name, 'moving');
    this.server = http.createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(this.render());
    });
  }

  /** Listens on a free loopback port; returns `host:port`. */
  public async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private render(): string {
    const now = Date.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    const byMetric = new Map<string, string[]>();
    for (const vm of this.vms) {
      const mode = this.modes.get(vm.name)!;
      for (const [metric, rate] of Object.entries(vm.rates)) {
        const key = `${metric}|${vm.name}`;
        const value = (this.values.get(key) ?? 0) + (mode === 'moving' ? rate * dt : 0);
        this.values.set(key, value);
        if (mode === 'absent') continue;
        const extra = metric.includes('_network_') ? ',interface="default",network="pod"' : metric.includes('_storage_') ? ',drive="rootdisk"' : '';
        const lines = byMetric.get(metric) ?? [];
        lines.push(`${metric}{namespace="${this.namespace}",name="${vm.name}",node="node-1"${extra}} ${value}`);
        byMetric.set(metric, lines);
      }
    }
    return [...byMetric].map(([metric, lines]) => `# TYPE ${metric} counter\n${lines.join('\n')}\n`).join('');
  }
}
