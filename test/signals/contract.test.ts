import { parseCloudConfig } from '../../lib/guest/cloud-init';
import {
  DATABASE_PAUSE_SECONDS, DISK_PAUSE_SECONDS, DISK_SEQ_JOBS, EXPECTED_SHARE, MIN_WINDOW_SECONDS, NETWORK_PAUSE_SECONDS,
  SIGNAL_TABLES, TPS_CYCLE_PAUSE_SECONDS, TPS_STEP_PAUSE_SECONDS, describeMin, windowFor,
} from '../../lib/signals/contract';
import { expectedSignals, runSignals } from '../../lib/monitoring/run-signals';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';
import { workloadsOf } from './_support';

/** The guest files (path → content) of the first VM of a workload. */
function guestFiles(name: string): Map<string, string> {
  const [w] = workloadsOf([{ name }]);
  const cfg = parseCloudConfig(w.vms[0].plainSecret.stringData.userdata) as { write_files: { path: string; content: string }[] };
  return new Map(cfg.write_files.map((f) => [f.path, f.content]));
}

describe('signal contract', () => {
  it('GIVEN every built-in workload THEN it has a signal table with at least one expected signal for every role', () => {
    expect(Object.keys(SIGNAL_TABLES).sort()).toEqual(Object.keys(BUILTIN_WORKLOADS).sort());
    const run = runSignals(workloadsOf(Object.keys(BUILTIN_WORKLOADS).map((name) => ({ name }))));
    for (const w of run.workloads) {
      const roles = [...new Set(w.vms.map((vm) => vm.role))];
      for (const role of roles) expect([w.workload, role, w.signals.some((s) => s.vms.includes(w.vms.find((vm) => vm.role === role)!.name))]).toEqual([w.workload, role, true]);
    }
  });

  it('GIVEN cpu WHEN cores and cpu-load-percent change THEN the floor follows them (half of cores × load)', () => {
    const [a] = workloadsOf([{ name: 'cpu', cpuCores: 4, params: { 'cpu-load-percent': 50 } }]);
    const [b] = workloadsOf([{ name: 'cpu', cpuCores: 2 }]);
    expect(expectedSignals(a)[0]).toMatchObject({ kind: 'cpu-usage', min: EXPECTED_SHARE * 4 * 0.5 });
    expect(expectedSignals(b)[0]).toMatchObject({ kind: 'cpu-usage', min: EXPECTED_SHARE * 2 * 1 });
  });

  it('GIVEN disk with rwmixread 100 THEN no write floor from the mixed jobs but still the sequential ones; rwmixread 0 drops the read signal', () => {
    const [readOnly] = workloadsOf([{ name: 'disk', params: { rwmixread: 100 } }]);
    const [writeOnly] = workloadsOf([{ name: 'disk', params: { rwmixread: 0 } }]);
    const cycle = 2 * (300 + DISK_PAUSE_SECONDS);
    expect(expectedSignals(readOnly).map((s) => [s.kind, s.min])).toEqual([
      ['storage-read-iops', Number((EXPECTED_SHARE * 4 * 300 / cycle).toPrecision(6))],
      ['storage-write-iops', Number((EXPECTED_SHARE * DISK_SEQ_JOBS * 300 / cycle).toPrecision(6))],
    ]);
    expect(expectedSignals(writeOnly).map((s) => s.kind)).toEqual(['storage-write-iops']);
  });

  it('GIVEN network THEN both roles must move bytes both ways (--bidir), the floor scaling with parallel-streams', () => {
    const [w] = workloadsOf([{ name: 'network', params: { 'parallel-streams': 8 } }]);
    const s = expectedSignals(w);
    expect(s.map((x) => `${x.role}:${x.kind}`)).toEqual(['server:network-receive-bytes', 'server:network-transmit-bytes', 'client:network-receive-bytes', 'client:network-transmit-bytes']);
    expect(s[0].min).toBeCloseTo(EXPECTED_SHARE * 8 * 128 * 1024 * 60 / 70, 0);
  });

  it('GIVEN a load cycle longer than the default window THEN the window covers two cycles (tps, chaos-disk)', () => {
    expect(windowFor(60)).toBe(MIN_WINDOW_SECONDS);
    expect(windowFor(3750)).toBe(7500);
    const [tps] = workloadsOf([{ name: 'tps' }]);
    const cycle = 2 * 30 * (60 + TPS_STEP_PAUSE_SECONDS) + TPS_CYCLE_PAUSE_SECONDS;
    expect(expectedSignals(tps)[0].windowSeconds).toBe(windowFor(cycle));
    const [chaos] = workloadsOf([{ name: 'chaos-disk', params: { 'fill-sleep': 600, 'release-sleep': 300 } }]);
    expect(expectedSignals(chaos)[0]).toMatchObject({ kind: 'filesystem-peak-used-ratio', windowSeconds: 1800, matchers: { mount_point: '/mnt/data' }, min: 0.45 });
  });

  it('GIVEN chaos-network and chaos-process THEN their signals are presence only (KubeVirt cannot see the impairment)', () => {
    for (const name of ['chaos-network', 'chaos-process']) {
      const [w] = workloadsOf([{ name }]);
      expect(expectedSignals(w).map((s) => s.min)).toEqual([undefined]);
    }
  });

  it('GIVEN storage-bench THEN its signals end with the matrix (activeSeconds from profiles × block sizes × (runtime + ramp-time))', () => {
    const [w] = workloadsOf([{ name: 'storage-bench', params: { profiles: ['randread'], 'block-sizes': ['4k', '1m'], runtime: 30, 'ramp-time': 5 } }]);
    expect(expectedSignals(w)).toEqual([expect.objectContaining({ kind: 'storage-read-iops', activeSeconds: 70 })]);
  });

  it('GIVEN the synthesized guests THEN the pauses and job counts the contract mirrors are the ones the scripts use', () => {
    const disk = guestFiles('disk');
    expect([...disk.values()].some((c) => /fio \/etc\/fio\/mixed-rw\.fio( && \S+ disk mixed-rw)?; sleep (\d+); fio \/etc\/fio\/seq-write\.fio( && \S+ disk seq-write)?; sleep (\d+)/.exec(c)?.filter((_, i) => i === 2 || i === 4).every((x) => x === String(DISK_PAUSE_SECONDS)))).toBe(true);
    expect(disk.get('/etc/fio/seq-write.fio')).toContain(`numjobs=${DISK_SEQ_JOBS}\n`);
    expect([...guestFiles('database').values()].some((c) => c.includes(`; sleep ${DATABASE_PAUSE_SECONDS}; done`))).toBe(true);
    const [net] = workloadsOf([{ name: 'network' }]);
    const client = parseCloudConfig(net.vms[1].plainSecret.stringData.userdata) as { write_files: { content: string }[] };
    expect(client.write_files.some((f) => new RegExp(`--bidir( && \\S+ iperf3-client \\S+)?; sleep ${NETWORK_PAUSE_SECONDS}; done`).test(f.content))).toBe(true);
    const [tps] = workloadsOf([{ name: 'tps' }]);
    const tpsClient = parseCloudConfig(tps.vms[1].plainSecret.stringData.userdata) as { write_files: { content: string }[] };
    const script = tpsClient.write_files.map((f) => f.content).join('\n');
    expect(script).toContain(`CYCLE_PAUSE=${TPS_CYCLE_PAUSE_SECONDS}`);
    expect(script).toContain(`    sleep ${TPS_STEP_PAUSE_SECONDS}`);
  });

  it('describes floors with units', () => {
    expect(describeMin(undefined, 'cores')).toBe('present');
    expect(describeMin(0.4, 'ratio')).toBe('≥ 40%');
    expect(describeMin(224694.9, 'bytes/s')).toBe('≥ 219.4 KiB/s');
    expect(describeMin(1.5, 'cores')).toBe('≥ 1.5 cores');
  });
});
