import { Chart, Testing } from 'cdk8s';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { MemoryWorkload } from '../../lib/workloads/memory';
import { K8sObject, execLines, validateObjects } from '../support/validators';
import { fileOf } from '../workloads/_support';

function synth(build: (chart: Chart) => void): K8sObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as K8sObject[];
}

const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const userData = (objs: K8sObject[], vm: string) =>
  parseCloudConfig(objs.find((o) => o.kind === 'Secret' && o.metadata.name === `${vm}-cloudinit`)!.stringData.userdata) as any;
const unitOf = (doc: any, path: string): string => doc.write_files.find((f: any) => f.path === path).content;
const execStart = (unit: string) => execLines(unit)[0];

describe('CpuWorkload', () => {
  it('synthesizes one VM and its cloud-init Secret with the reference unit (snapshot)', () => {
    const objs = synth((c) => new CpuWorkload(c, 'cpu'));
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Secret/virtwork-cpu-0-cloudinit', 'VirtualMachine/virtwork-cpu-0']);
    const doc = userData(objs, 'virtwork-cpu-0');
    expect(doc.packages).toEqual(['stress-ng', 'qemu-guest-agent']);
    expect(doc.runcmd).toEqual([
      ['systemctl', 'enable', 'qemu-guest-agent.service'], ['systemctl', 'start', '--no-block', 'qemu-guest-agent.service'],
      ['systemd-tmpfiles', '--create', '/etc/tmpfiles.d/virtwork-heartbeat.conf'],
      ['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'virtwork-health-responder.service'],
      ['systemctl', 'enable', '--now', 'virtwork-cpu.service'],
    ]);
    // stress-ng is the load itself: Ready while its unit is active (it is restarted, and so not active, when it dies)
    expect(JSON.parse(fileOf(doc, '/etc/virtwork/readiness.json')).checks).toEqual([{ kind: 'unit', name: 'virtwork-cpu.service', unit: 'virtwork-cpu.service' }]);
    const unit = unitOf(doc, '/etc/systemd/system/virtwork-cpu.service');
    expect(unit).toMatch(/^Description=Virtwork CPU stress workload$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(execStart(unit)).toEqual(['/usr/bin/stress-ng', '--cpu', '0', '--cpu-load', '100', '--cpu-method', 'all', '--timeout', '0']);
    expect(validateObjects(objs)).toEqual([]);
  });

  it.each([
    [{}, ['100', 'all']],
    [{ 'cpu-load-percent': 50, 'cpu-method': 'matrixprod' }, ['50', 'matrixprod']],
    [{ 'cpu-load-percent': '75' }, ['75', 'all']],
  ])('wires params %j into stress-ng', (params, [load, method]) => {
    const doc = userData(synth((c) => new CpuWorkload(c, 'cpu', { params })), 'virtwork-cpu-0');
    const argv = execStart(unitOf(doc, '/etc/systemd/system/virtwork-cpu.service'));
    expect(argv.slice(3, 7)).toEqual(['--cpu-load', load, '--cpu-method', method]);
  });

  it('names vmCount VMs virtwork-cpu-0..N-1, labelled on the VM, its template and its Secret', () => {
    const objs = synth((c) => new CpuWorkload(c, 'cpu', { vmCount: 3, runId: 'r1', namespace: 'load' }));
    expect(byKind(objs, 'VirtualMachine').map((o) => o.metadata.name)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1', 'virtwork-cpu-2']);
    const labels = {
      'app.kubernetes.io/managed-by': 'virtwork',
      'app.kubernetes.io/name': 'virtwork-cpu',
      'app.kubernetes.io/component': 'cpu',
      'virtwork/run-id': 'r1',
    };
    for (const o of objs) {
      expect(o.metadata.labels).toEqual(labels);
      expect(o.metadata.namespace).toBe('load');
    }
    for (const vm of byKind(objs, 'VirtualMachine')) expect(vm.spec.template.metadata.labels).toEqual(labels);
  });

  it.each([
    [{ 'cpu-load-percent': 0 }, 'cpu.params.cpu-load-percent: must be an integer from 1 to 100, got 0'],
    [{ 'cpu-load-percnt': 5 }, 'cpu.params.cpu-load-percnt: unknown param (did you mean "cpu-load-percent"?); known params: cpu-load-percent, cpu-method'],
    [{ 'cpu-method': 'all; reboot' }, 'cpu.params.cpu-method: must be a stress-ng CPU method name (lowercase letters, digits, "-", "_"), e.g. all, matrixprod, fft, got "all; reboot"'],
  ])('fails when params are %j', (params, message) => {
    expect(() => synth((c) => new CpuWorkload(c, 'cpu', { params: params as any }))).toThrow(message);
  });

  it('fails when vmCount is not a positive integer', () => {
    expect(() => synth((c) => new CpuWorkload(c, 'cpu', { vmCount: 0 }))).toThrow('cpu: vmCount must be an integer from 1 to 1000, got 0');
  });
});

describe('MemoryWorkload', () => {
  it('synthesizes the reference unit with a literal percent sign (snapshot)', () => {
    const objs = synth((c) => new MemoryWorkload(c, 'memory'));
    expect(objs).toMatchSnapshot();
    const doc = userData(objs, 'virtwork-memory-0');
    expect(doc.packages).toEqual(['stress-ng', 'qemu-guest-agent']);
    const unit = unitOf(doc, '/etc/systemd/system/virtwork-memory.service');
    expect(unit).toMatch(/^Description=Virtwork memory stress workload$/m);
    expect(execStart(unit)).toEqual(['/usr/bin/stress-ng', '--vm', '1', '--vm-bytes', '80%', '--vm-method', 'all', '--timeout', '0']);
    expect(validateObjects(objs)).toEqual([]);
  });

  it('wires a full override of the params', () => {
    const params = { 'memory-percent': 60, 'vm-stressors': 2, 'vm-method': 'flip' };
    const doc = userData(synth((c) => new MemoryWorkload(c, 'memory', { params })), 'virtwork-memory-0');
    expect(execStart(unitOf(doc, '/etc/systemd/system/virtwork-memory.service'))).toEqual(
      ['/usr/bin/stress-ng', '--vm', '2', '--vm-bytes', '60%', '--vm-method', 'flip', '--timeout', '0'],
    );
  });

  it('fails when memory-percent would starve the guest', () => {
    expect(() => synth((c) => new MemoryWorkload(c, 'memory', { params: { 'memory-percent': 99 } }))).toThrow(
      'memory.params.memory-percent: must be an integer from 1 to 95, got 99',
    );
  });
});
