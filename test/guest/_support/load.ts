import { BootedGuest } from './scenario';

/** Processes whose command name starts with `prefix`: pid, RSS (KiB) and CPU ticks so far (one python3 in the guest). */
export async function processes(g: BootedGuest, prefix: string): Promise<Array<{ pid: number; comm: string; rssKiB: number; ticks: number }>> {
  const script = [
    'import os, sys',
    'for p in filter(str.isdigit, os.listdir("/proc")):',
    '    try:',
    '        comm = open(f"/proc/{p}/comm").read().strip()',
    '        if not comm.startswith(sys.argv[1]): continue',
    '        st = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()',
    '        rss = int(st[21]) * os.sysconf("SC_PAGE_SIZE") // 1024',
    '        print(p, comm.replace(" ", "_"), rss, int(st[11]) + int(st[12]))',
    '    except OSError: pass',
  ].join('\n');
  const r = await g.qemu.agent.exec(['/usr/bin/python3', '-c', script, prefix], 60_000);
  if (r.exitcode !== 0) throw new Error(`processes ${prefix}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [pid, comm, rss, ticks] = l.split(' ');
    return { pid: Number(pid), comm, rssKiB: Number(rss), ticks: Number(ticks) };
  });
}

/** CPU ticks the `prefix` processes used over `seconds` (the load is real when it grows). */
export async function cpuTicksOver(g: BootedGuest, prefix: string, seconds: number): Promise<number> {
  const sum = async () => (await processes(g, prefix)).reduce((a, p) => a + p.ticks, 0);
  const before = await sum();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (await sum()) - before;
}

/** Bytes received + sent on a guest interface (from /proc/net/dev). */
export async function interfaceBytes(g: BootedGuest, mac: string): Promise<number> {
  const out = await g.sh(`for i in /sys/class/net/*; do if [ "$(cat $i/address)" = "${mac}" ]; then echo $(( $(cat $i/statistics/rx_bytes) + $(cat $i/statistics/tx_bytes) )); fi; done`);
  return Number(out.trim());
}

/** The journal since boot of the units matching `unit` (a name or a journalctl pattern such as `virtwork-sysbench*`). */
export function journal(g: BootedGuest, unit: string, lines = 200): Promise<string> {
  return g.sh(`journalctl -b --no-pager -o cat -n ${lines} -u '${unitPattern(unit)}' || true`);
}

/** Unit names (`virtwork-*.service`) the merged user-data writes. */
export async function virtworkUnits(g: BootedGuest): Promise<string[]> {
  return (await g.sh('ls /etc/systemd/system/ | grep "^virtwork-.*\\.service$" || true')).trim().split('\n').filter(Boolean);
}

/** A unit name or pattern safe inside single quotes (journalctl, not the shell, expands the `*`). */
function unitPattern(s: string): string {
  if (!/^[A-Za-z0-9@._:*-]+$/.test(s)) throw new Error(`unsafe unit name ${JSON.stringify(s)}`);
  return s;
}
