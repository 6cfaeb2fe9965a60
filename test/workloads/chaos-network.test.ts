import { ChaosNetworkWorkload } from '../../lib/workloads/chaos-network';
import { execLines, validateObjects } from '../support/validators';
import { describeSandboxed, entries, entry, fileOf, HOSTILE, names, own, runSandboxed, sandboxMissing, synth, unitOf, userData } from './_support';

const START = '/usr/local/bin/virtwork-chaos-network-start.sh';
const STOP = '/usr/local/bin/virtwork-chaos-network-stop.sh';
const UNIT = 'virtwork-chaos-network.service';
const vars = (script: string) => Object.fromEntries([...script.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

describe('ChaosNetworkWorkload', () => {
  it('synthesizes one VM with the tc/netem start and stop scripts (snapshot)', () => {
    // GIVEN the default chaos-network workload
    // WHEN it is synthesized
    const objs = synth((c) => new ChaosNetworkWorkload(c, 'chaos-network'));

    // THEN the reference package, scripts and unit; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual(['Secret/virtwork-chaos-network-0-cloudinit', 'VirtualMachine/virtwork-chaos-network-0']);
    const doc = userData(objs, 'virtwork-chaos-network-0');
    expect(own(doc).packages).toEqual(['iproute-tc', 'kernel-modules-extra']);
    expect(own(doc).paths).toEqual([START, STOP, `/etc/systemd/system/${UNIT}`]);
    expect(own(doc).permissions).toEqual(['0755', '0755', '0644']);
    expect(own(doc).runcmd).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', UNIT]]);
    const unit = unitOf(doc, UNIT);
    expect(entry(unit, 'Description')).toBe('Virtwork network chaos workload (tc/netem)');
    expect(entry(unit, 'After')).toBe('network-online.target');
    expect(entry(unit, 'Wants')).toBe('network-online.target');
    expect(execLines(unit)).toEqual([[START], [STOP]]);
    expect(vars(fileOf(doc, START))).toMatchObject({ LATENCY_MS: '100', LOSS_PERCENT: '5.0' });
    expect(fileOf(doc, START)).toContain('tc qdisc replace dev "$DEV" root netem delay "${LATENCY_MS}ms" loss "${LOSS_PERCENT}%" limit 1000');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: the qdisc stays installed while the unit is active (oneshot + RemainAfterExit), removed on stop', () => {
    const unit = unitOf(userData(synth((c) => new ChaosNetworkWorkload(c, 'chaos-network')), 'virtwork-chaos-network-0'), UNIT);
    // A Type=simple unit whose ExecStart exits at once is stopped (ExecStop runs) right after it starts.
    expect(entry(unit, 'Type')).toBe('oneshot');
    expect(entry(unit, 'RemainAfterExit')).toBe('yes');
    expect(entries(unit, 'ExecStop')).toEqual([STOP]);
    // Restart=always would re-run a finished oneshot; only a failed start is retried.
    expect(entry(unit, 'Restart')).toBe('on-failure');
  });

  it.each([
    ['default', {}, { LATENCY_MS: '100', LOSS_PERCENT: '5.0' }],
    ['full override', { 'latency-ms': 250, 'packet-loss-percent': '0.5' }, { LATENCY_MS: '250', LOSS_PERCENT: '0.5' }],
    ['partial override', { 'packet-loss-percent': 12 }, { LATENCY_MS: '100', LOSS_PERCENT: '12' }],
  ])('wires params: %s', (_, params, expected) => {
    const doc = userData(synth((c) => new ChaosNetworkWorkload(c, 'chaos-network', { params: params as Record<string, unknown> as never })), 'virtwork-chaos-network-0');
    expect(vars(fileOf(doc, START))).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ 'latency-ms': -1 }, 'chaos-network.params.latency-ms: must be an integer from 0 to 60000, got -1'],
    [{ 'packet-loss-percent': '101' }, 'chaos-network.params.packet-loss-percent: must be a decimal number from 0 to 100 (e.g. 5.0), got "101"'],
    [{ 'packet-loss-percent': '5%' }, 'chaos-network.params.packet-loss-percent: must be a decimal number from 0 to 100 (e.g. 5.0), got "5%"'],
    [{ latency: 5 }, 'chaos-network.params.latency: unknown param (did you mean "latency-ms"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ 'packet-loss-percent': v },
      `chaos-network.params.packet-loss-percent: must be a decimal number from 0 to 100 (e.g. 5.0), got ${JSON.stringify(v)}`]),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new ChaosNetworkWorkload(c, 'chaos-network', { params: params as any }))).toThrow(message);
  });
});

/*
 * Start and stop scripts run for real in a private network namespace whose default route goes through a veth
 * interface. `tc`, `modprobe` and `dnf` are stand-ins that log their arguments (this kernel has no sch_netem).
 */
const missing = sandboxMissing('ip');
// skipped only where the sandbox tools are missing, and then the name says which
const sandboxed = describeSandboxed(missing); // skipped, with the reason in the name, where the sandbox cannot run
if (missing) console.warn(`chaos-network functional tests skipped: ${missing}`);

sandboxed('chaos-network scripts, run in a network namespace', () => {
  const doc = userData(synth((c) => new ChaosNetworkWorkload(c, 'chaos-network', { params: { 'latency-ms': 40 } })), 'virtwork-chaos-network-0');

  function run(steps: string, modprobeFailsOnce: boolean) {
    return runSandboxed(`
      set -u
      ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up
      ip addr add 10.9.0.2/24 dev v0 && ip route add default via 10.9.0.1 dev v0
      S=$(mktemp -d) && mount -t tmpfs tmpfs "$S" && mkdir "$S/bin" && export S
      mount -t tmpfs tmpfs /run
      cat > "$S/bin/tc" <<'EOF'
#!/bin/sh
echo "tc $*" >> "$S/log"
case "$*" in
  "qdisc show"*) [ -f "$S/netem" ] && echo "qdisc netem 8001: root refcnt 2 limit 1000 delay 40ms loss 5%" ;;
  "qdisc replace"*) touch "$S/netem" ;;
  "qdisc del"*) rm -f "$S/netem" ;;
esac
exit 0
EOF
      cat > "$S/bin/modprobe" <<'EOF'
#!/bin/sh
echo "modprobe $*" >> "$S/log"
if [ -f "$S/modprobe-fails" ]; then rm "$S/modprobe-fails"; exit 1; fi
EOF
      printf '#!/bin/sh\\necho "dnf $*" >> "$S/log"\\n' > "$S/bin/dnf"
      chmod +x "$S/bin/"*
      ${modprobeFailsOnce ? 'touch "$S/modprobe-fails"' : ''}
      export PATH="$S/bin:$PATH"
      cat > "$S/start.sh" <<'VIRTWORK_START'
${fileOf(doc, START)}VIRTWORK_START
      cat > "$S/stop.sh" <<'VIRTWORK_STOP'
${fileOf(doc, STOP)}VIRTWORK_STOP
      ${steps}
      echo "--- log"; cat "$S/log"
      umount "$S"; rmdir "$S"
    `, { net: true });
  }

  it('installs netem on the default-route interface, records it, and the stop script removes exactly that', () => {
    const r = run(`
      bash "$S/start.sh"; echo "start exit $?"
      echo "state: $(cat /run/virtwork-chaos-network.dev)"
      bash "$S/stop.sh"; echo "stop exit $?"
      echo "state after stop: $(cat /run/virtwork-chaos-network.dev 2>/dev/null || echo none)"
      bash "$S/stop.sh"; echo "second stop exit $?"
    `, false);
    expect(r.out).toContain('start exit 0');
    expect(r.out).toContain('state: v0');
    expect(r.out).toContain('netem on v0: delay 40ms loss 5.0%');
    expect(r.out).toContain('stop exit 0');
    expect(r.out).toContain('state after stop: none');
    expect(r.out).toContain('second stop exit 0');
    const log = r.out.slice(r.out.indexOf('--- log'));
    expect(log.split('\n').filter((l) => l.startsWith('tc '))).toEqual([
      'tc qdisc replace dev v0 root netem delay 40ms loss 5.0% limit 1000',
      'tc qdisc show dev v0 root',
      'tc qdisc del dev v0 root',
      'tc qdisc show dev v0 root',
    ]);
  });

  it('installs kernel-modules-extra for the running kernel only when sch_netem is missing', () => {
    const r = run('bash "$S/start.sh"; echo "start exit $?"', true);
    expect(r.out).toContain('start exit 0');
    expect(r.out).toMatch(/^dnf install -y kernel-modules-extra-\S+$/m);
    expect(r.out.match(/^modprobe sch_netem$/gm)).toHaveLength(2);
    const quiet = run('bash "$S/start.sh"', false);
    expect(quiet.out).not.toMatch(/^dnf /m);
  });
});
