import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { splitExecLine, validateObjects } from '../support/validators';
import { CHAOS_PROCESS_PARAMS, ChaosProcessWorkload, PROTECTED_PROCESSES } from '../../lib/workloads/chaos-process';
import { describeSandboxed, entries, entry, execStart, fileOf, HOSTILE, names, own, runSandboxed, sandboxMissing, synth, unitOf, userData } from './_support';

const SCRIPT = '/usr/local/bin/virtwork-chaos-process.sh';
const UNIT = 'virtwork-chaos-process.service';
/** The unit's Environment= assignments, unquoted the way systemd reads them. */
const env = (unit: string) => Object.fromEntries(entries(unit, 'Environment').map((e) => {
  const [assignment] = splitExecLine(e);
  return [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)];
}));

describe('ChaosProcessWorkload', () => {
  it('synthesizes one VM that signals random processes (snapshot)', () => {
    // GIVEN the default chaos-process workload
    // WHEN it is synthesized
    const objs = synth((c) => new ChaosProcessWorkload(c, 'chaos-process'));

    // THEN the reference package and unit, configuration through Environment=; every validator passes
    expect(objs).toMatchSnapshot();
    expect(names(objs)).toEqual(['Secret/virtwork-chaos-process-0-cloudinit', 'VirtualMachine/virtwork-chaos-process-0']);
    const doc = userData(objs, 'virtwork-chaos-process-0');
    expect(own(doc).packages).toEqual(['procps-ng']);
    expect(own(doc).paths).toEqual([SCRIPT, `/etc/systemd/system/${UNIT}`]);
    expect(own(doc).runcmd).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', UNIT]]);
    const unit = unitOf(doc, UNIT);
    expect(entry(unit, 'Description')).toBe('Virtwork chaos-process workload');
    expect(execStart(unit)).toEqual([SCRIPT]);
    expect(env(unit)).toEqual({ CHAOS_SIGNAL: 'SIGTERM', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: '', CHAOS_TARGET_WORKLOADS: '0' });
    expect(entry(unit, 'StandardOutput')).toBe('journal');
    expect(entry(unit, 'StandardError')).toBe('journal');
    expect(entry(unit, 'Restart')).toBe('always');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: exclusions are exact names, never substrings, and the script skips its own session', () => {
    const script = fileOf(userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process')), 'virtwork-chaos-process-0'), SCRIPT);
    expect(script).not.toMatch(/grep -E?v/);
    expect(script).toContain('if protected_name "$comm" || protected_unit "$pid"; then continue; fi');
    expect(script).toContain('if [ "$pid" -eq "$$" ] || [ "$sid" -eq "$MY_SID" ]; then continue; fi');
    for (const name of ['systemd*', '(*)', 'sshd*', 'dbus*', 'qemu-ga*', 'cloud-init*', 'bash', 'sh']) expect(PROTECTED_PROCESSES).toContain(name);
  });

  it.each([
    ['default', {}, { CHAOS_SIGNAL: 'SIGTERM', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: '', CHAOS_TARGET_WORKLOADS: '0' }],
    ['full override', { signal: 'kill', interval: 5, 'min-pid': 300, exclude: 'nginx;redis-server', 'target-workloads': true },
      { CHAOS_SIGNAL: 'SIGKILL', CHAOS_INTERVAL: '5', CHAOS_MIN_PID: '300', CHAOS_EXCLUDE: 'nginx redis-server', CHAOS_TARGET_WORKLOADS: '1' }],
    ['partial override (a YAML list)', { exclude: ['postgres'], signal: 'SIGHUP' },
      { CHAOS_SIGNAL: 'SIGHUP', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: 'postgres', CHAOS_TARGET_WORKLOADS: '0' }],
  ])('wires params: %s', (_, params, expected) => {
    const doc = userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process', { params: params as any })), 'virtwork-chaos-process-0');
    expect(env(unitOf(doc, UNIT))).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ signal: 'SIGFOO' }, 'chaos-process.params.signal: must be a signal name: SIGHUP, SIGINT'],
    [{ signal: '9' }, 'chaos-process.params.signal: must be a signal name'],
    [{ interval: 0 }, 'chaos-process.params.interval: must be an integer from 1 to 86400, got 0'],
    [{ 'min-pid': 1 }, 'chaos-process.params.min-pid: must be an integer from 2 to 4194304, got 1'],
    [{ exclude: 'a;;b' }, 'chaos-process.params.exclude: must be a ";"-separated list of process names'],
    [{ exclude: 'averyveryverylongname' }, 'chaos-process.params.exclude: must be a ";"-separated list of process names'],
    [{ minpid: 5 }, 'chaos-process.params.minpid: unknown param (did you mean "min-pid"?)'],
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ signal: v }, `chaos-process.params.signal: must be a signal name`]),
    ...HOSTILE.map((v): [Record<string, unknown>, string] => [{ exclude: v }, `chaos-process.params.exclude: must be a ";"-separated list of process names`]),
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new ChaosProcessWorkload(c, 'chaos-process', { params: params as any }))).toThrow(message);
  });

  it('documents its params with their types', () => {
    expect(CHAOS_PROCESS_PARAMS.describe().map((r) => `${r.key}:${r.type}:${r.default}`)).toEqual([
      'signal:signal:SIGTERM', 'interval:int:30', 'min-pid:int:1000', 'exclude:list:', 'target-workloads:bool:false',
    ]);
  });
});

/*
 * The script, run for real in a private PID namespace (it can only see, and signal, the stand-in processes started
 * there): `sleep` copies named like protected, excluded, look-alike and ordinary processes.
 */
const missing = sandboxMissing('ps', 'setsid');
// skipped only where the sandbox tools are missing, and then the name says which
const sandboxed = describeSandboxed(missing); // skipped, with the reason in the name, where the sandbox cannot run
if (missing) console.warn(`chaos-process functional tests skipped: ${missing}`);

sandboxed('chaos-process script, run in a PID namespace', () => {
  it('signals only eligible processes, by exact name, and never itself or its own pipelines', () => {
    const script = fileOf(userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process')), 'virtwork-chaos-process-0'), SCRIPT);
    const r = runSandboxed(`
      S=$(mktemp -d) && mount -t tmpfs tmpfs "$S" && mkdir "$S/bin"
      for n in sshd mysshd victim-a victim-b keepme virtwork-agent; do ln -s "$(command -v sleep)" "$S/bin/$n"; done
      declare -A PIDS
      for n in sshd mysshd victim-a victim-b keepme virtwork-agent; do "$S/bin/$n" 600 & PIDS[$n]=$!; done
      cat > "$S/chaos.sh" <<'VIRTWORK_SCRIPT'
${script}VIRTWORK_SCRIPT
      CHAOS_INTERVAL=1 CHAOS_MIN_PID=2 CHAOS_SIGNAL=SIGTERM CHAOS_EXCLUDE="keepme sleep" setsid bash "$S/chaos.sh" > "$S/chaos.log" 2>&1 &
      CHAOS=$!
      sleep 6
      for n in sshd mysshd victim-a victim-b keepme virtwork-agent; do
        if kill -0 "\${PIDS[$n]}" 2>/dev/null; then echo "alive: $n"; else echo "killed: $n"; fi
      done
      if kill -0 "$CHAOS" 2>/dev/null; then echo "chaos: running"; else echo "chaos: gone"; fi
      cat "$S/chaos.log"
      kill "$CHAOS" "\${PIDS[@]}" 2>/dev/null
      umount -l "$S"; rmdir "$S"
    `, { pid: true, timeoutMs: 30000 });
    expect(r.out).toContain('alive: sshd');
    expect(r.out).toContain('killed: mysshd');
    expect(r.out).toContain('killed: victim-a');
    expect(r.out).toContain('killed: victim-b');
    expect(r.out).toContain('alive: keepme');
    expect(r.out).toContain('alive: virtwork-agent');
    expect(r.out).toContain('chaos: running');
    expect(r.out).toContain('Configuration: SIGNAL=SIGTERM INTERVAL=1s MIN_PID=2 EXCLUDE=keepme sleep TARGET_WORKLOADS=0');
    expect(r.out).toMatch(/Successfully sent SIGTERM to PID \d+/);
    expect(r.out).toContain('No eligible processes found for chaos action');
    // Every pick was one of the three eligible processes: never ps or another pipeline of the script itself.
    const picked = [...r.out.matchAll(/Sending SIGTERM to PID \d+: +\d+ (\S+)/g)].map((m) => m[1]);
    expect([...new Set(picked)].sort()).toEqual(['mysshd', 'victim-a', 'victim-b']);
    expect(picked).toHaveLength(3);
    expect(r.out).not.toContain('exited before the chaos action');
  });
});

/*
 * The selection (`--list`) against real process tables: names the kernel reports (symlinked `sleep` copies, so `comm`
 * is the kernel's, truncated to 15 characters like the real daemons'; one renamed through /proc/self/comm the way
 * prctl(PR_SET_NAME) does), and real cgroup membership for the workloads' own units.
 */
const cgroup2 = (): string | undefined => {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '));
  return mounts.find((f) => f[2] === 'cgroup2')?.[1];
};
const CG_ROOT = cgroup2();
const listed = (out: string, tag: string) =>
  [...out.matchAll(new RegExp(`^${tag} \\d+ (.+)$`, 'gm'))].map((m) => m[1]).sort();

sandboxed('chaos-process selection against a real process table', () => {
  const group = CG_ROOT && join(CG_ROOT, `virtwork-chaos-test.${process.pid}`);
  afterAll(() => {
    for (const dir of ['system.slice/virtwork-disk.service', 'system.slice/virtwork-chaos-process.service', 'system.slice', '']) {
      if (group && existsSync(join(group, dir))) rmdirSync(join(group, dir));
    }
  });

  it('protects every systemd*, (…), sshd*, guest-agent, cloud-init, D-Bus and login process, and the workload units', () => {
    if (!group) throw new Error('no cgroup2 mount in /proc/self/mounts: the cgroup part of this test cannot run');
    const script = fileOf(userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process')), 'virtwork-chaos-process-0'), SCRIPT);
    const PROTECTED = [
      'systemd-oomd', 'systemd-homed', 'systemd-timesyncd', 'systemd-hostnamed', 'systemd-journald', 'systemd-resolved',
      '(udev-worker)', 'sshd', 'sshd-auth', 'sshd-session', 'qemu-ga', 'qemu-guest-agent', 'cloud-init', 'cloud-init-hotplugd',
      'dbus-broker', 'dbus-broker-launch', 'dbus-daemon', 'agetty', 'login', 'rsyslogd', 'chronyd', 'NetworkManager', 'virtwork-agent',
    ];
    const ELIGIBLE = ['nginx', 'postgres', 'mysshd', 'stress-ng', 'my-systemd', 'fio', 'victim-own'];
    const r = runSandboxed(`
      S=$(mktemp -d) && mount -t tmpfs tmpfs "$S" && mkdir "$S/bin"
      G='${group}' && mkdir -p "$G/system.slice/virtwork-disk.service" "$G/system.slice/virtwork-chaos-process.service"
      for n in ${[...PROTECTED, ...ELIGIBLE].map((n) => `'${n}'`).join(' ')}; do ln -s "$(command -v sleep)" "$S/bin/$n"; "$S/bin/$n" 600 & done
      mkfifo "$S/hold" && ( printf '(sd-pam)' > /proc/self/comm && read -r _ <> "$S/hold" ) &
      echo "$(pgrep -x fio)" > "$G/system.slice/virtwork-disk.service/cgroup.procs"
      echo "$(pgrep -x victim-own)" > "$G/system.slice/virtwork-chaos-process.service/cgroup.procs"
      cat > "$S/chaos.sh" <<'VIRTWORK_SCRIPT'
${script}VIRTWORK_SCRIPT
      sleep 0.3
      ps -eo pid=,comm= | sed 's/^ */ps /'
      CHAOS_MIN_PID=2 CHAOS_EXCLUDE=postgres setsid -w bash "$S/chaos.sh" --list > "$S/default"
      CHAOS_MIN_PID=2 CHAOS_EXCLUDE=postgres CHAOS_TARGET_WORKLOADS=1 setsid -w bash "$S/chaos.sh" --list > "$S/workloads"
      sed 's/^/default /' "$S/default" && sed 's/^/workloads /' "$S/workloads"
      kill $(jobs -p) 2>/dev/null; wait
      rmdir "$G/system.slice/virtwork-disk.service" "$G/system.slice/virtwork-chaos-process.service" "$G/system.slice" "$G"
      umount -l "$S"; rmdir "$S"
    `, { pid: true, timeoutMs: 30000 });
    // GIVEN the kernel's names (truncated to 15 characters, e.g. systemd-timesyn, qemu-guest-agen, dbus-broker-lau)
    const ps = listed(r.out, 'ps');
    expect(ps).toEqual(expect.arrayContaining(['systemd-timesyn', 'systemd-hostnam', 'qemu-guest-agen', 'dbus-broker-lau', '(udev-worker)', '(sd-pam)']));
    // THEN only the look-alikes and ordinary programs are eligible: not excluded postgres, not the workload units
    expect(listed(r.out, 'default')).toEqual(['my-systemd', 'mysshd', 'nginx', 'stress-ng']);
    // AND target-workloads adds the other workloads' processes, never chaos-process's own unit
    expect(listed(r.out, 'workloads')).toEqual(['fio', 'my-systemd', 'mysshd', 'nginx', 'stress-ng']);
    expect(existsSync(group)).toBe(false);
  });

  it("lists nothing protected from this machine's own process table (read-only: --list signals nothing)", () => {
    const script = fileOf(userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process')), 'virtwork-chaos-process-0'), SCRIPT);
    const table = spawnSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout.trim().split('\n')
      .map((l) => /^\s*(\d+)\s+(\d+) (.*)$/.exec(l)!).map(([, pid, ppid, comm]) => ({ pid, ppid, comm }));
    // (signal 0 and a timeout: harmless even for a script that ignored --list and entered its loop)
    const r = spawnSync('bash', ['-c', script, 'virtwork-chaos-process.sh', '--list'], {
      encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CHAOS_MIN_PID: '2', CHAOS_SIGNAL: '0', CHAOS_INTERVAL: '1' },
    });
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]);
    const byPid = new Map(table.map((t) => [t.pid, t]));
    const glob = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    expect(rows.length).toBeGreaterThan(0);
    for (const [pid, comm] of rows) {
      const seen = byPid.get(pid);
      // no kernel thread, not init (a PID missing from the table, or renamed since, started or exec'd after it was taken)
      if (seen?.comm === comm) expect(['0', '2']).not.toContain(seen.ppid);
      expect(PROTECTED_PROCESSES.filter((p) => glob(p).test(comm))).toEqual([]);
    }
    // AND the shells of this very test run (bash, sh), present in the table, are protected
    expect(table.some((t) => t.comm === 'bash')).toBe(true);
    expect(rows.map(([, comm]) => comm)).not.toContain('bash');
  });
});
