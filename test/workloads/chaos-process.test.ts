import { splitExecLine, validateObjects } from '../support/validators';
import { CHAOS_PROCESS_PARAMS, ChaosProcessWorkload, PROTECTED_PROCESSES } from '../../lib/workloads/chaos-process';
import { HOSTILE, entries, entry, execStart, fileOf, names, own, runSandboxed, sandboxMissing, synth, unitOf, userData } from './_support';

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
    expect(env(unit)).toEqual({ CHAOS_SIGNAL: 'SIGTERM', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: '' });
    expect(entry(unit, 'StandardOutput')).toBe('journal');
    expect(entry(unit, 'StandardError')).toBe('journal');
    expect(entry(unit, 'Restart')).toBe('always');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('fixes the reference: exclusions are exact names, never substrings, and the script skips its own session', () => {
    const script = fileOf(userData(synth((c) => new ChaosProcessWorkload(c, 'chaos-process')), 'virtwork-chaos-process-0'), SCRIPT);
    expect(script).not.toMatch(/grep -E?v/);
    expect(script).toContain('[ -z "${SKIP[$comm]:-}" ] || continue');
    expect(script).toContain('if [ "$pid" -eq "$$" ] || [ "$sid" -eq "$MY_SID" ]; then continue; fi');
    for (const name of ['systemd', 'sshd', 'dbus-broker', 'qemu-ga', 'cloud-init', 'bash', 'sh']) expect(PROTECTED_PROCESSES).toContain(name);
  });

  it.each([
    ['default', {}, { CHAOS_SIGNAL: 'SIGTERM', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: '' }],
    ['full override', { signal: 'kill', interval: 5, 'min-pid': 300, exclude: 'nginx;redis-server' },
      { CHAOS_SIGNAL: 'SIGKILL', CHAOS_INTERVAL: '5', CHAOS_MIN_PID: '300', CHAOS_EXCLUDE: 'nginx redis-server' }],
    ['partial override (a YAML list)', { exclude: ['postgres'], signal: 'SIGHUP' },
      { CHAOS_SIGNAL: 'SIGHUP', CHAOS_INTERVAL: '30', CHAOS_MIN_PID: '1000', CHAOS_EXCLUDE: 'postgres' }],
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
      'signal:signal:SIGTERM', 'interval:int:30', 'min-pid:int:1000', 'exclude:list:',
    ]);
  });
});

/*
 * The script, run for real in a private PID namespace (it can only see, and signal, the stand-in processes started
 * there): `sleep` copies named like protected, excluded, look-alike and ordinary processes.
 */
const missing = sandboxMissing('ps', 'setsid');
const sandboxed = missing ? describe.skip : describe;
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
    expect(r.out).toContain('Configuration: SIGNAL=SIGTERM INTERVAL=1s MIN_PID=2 EXCLUDE=keepme sleep');
    expect(r.out).toMatch(/Successfully sent SIGTERM to PID \d+/);
    expect(r.out).toContain('No eligible processes found for chaos action');
    // Every pick was one of the three eligible processes: never ps or another pipeline of the script itself.
    const picked = [...r.out.matchAll(/Sending SIGTERM to PID \d+: +\d+ (\S+)/g)].map((m) => m[1]);
    expect([...new Set(picked)].sort()).toEqual(['mysshd', 'victim-a', 'victim-b']);
    expect(picked).toHaveLength(3);
    expect(r.out).not.toContain('exited before the chaos action');
  });
});
