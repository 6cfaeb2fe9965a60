import { Testing } from 'cdk8s';
import { Fleet } from '../../lib/fleet/fleet';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { DiskWorkload } from '../../lib/workloads/disk';
import { NetworkWorkload } from '../../lib/workloads/network';
import { K8sObject } from '../support/validators';

const vms = (objs: readonly K8sObject[]) => objs.filter((o) => o.kind === 'VirtualMachine');

describe('Fleet', () => {
  it('expands a mix into one instance per member, counts by share', () => {
    // GIVEN a 10-VM mix of cpu and network in weights 4:1
    const chart = Testing.chart();
    const fleet = new Fleet(chart, 'mixed', {
      defaults: { cpuCores: 1 },
      mix: { vmCount: 10, members: [
        { name: 'cpu', workload: CpuWorkload, share: 4, props: { params: { 'cpu-load-percent': 40 } } },
        { name: 'net', workload: NetworkWorkload, share: 1 },
      ] },
    });

    // THEN the instances, their counts and VMs, and their objects' names
    expect(fleet.instances).toEqual([
      { instance: 'mixed-cpu', workload: 'cpu', fraction: 0.8, count: 8, vms: 8 },
      { instance: 'mixed-net', workload: 'network', fraction: 0.2, count: 2, vms: 4 },
    ]);
    const objs = Testing.synth(chart) as K8sObject[];
    expect(vms(objs).map((v) => v.metadata.name)).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `virtwork-mixed-cpu-${i}`),
      'virtwork-mixed-net-server-0', 'virtwork-mixed-net-server-1', 'virtwork-mixed-net-client-0', 'virtwork-mixed-net-client-1',
    ]);
    expect(vms(objs)[0].spec.template.spec.domain.cpu.cores).toBe(1);
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['virtwork-mixed-net-server', 'virtwork-mixed-net-server-1']);
  });

  it('expands a matrix over props and params, merging objects into the defaults', () => {
    const chart = Testing.chart();
    const fleet = new Fleet(chart, 'st', {
      defaults: { dataDisk: { accessModes: ['ReadWriteOnce'] } },
      matrix: { workload: DiskWorkload, axes: { dataDisk: [{ storageClass: 'fast' }, { storageClass: 'slow' }], size: ['small', 'large'] } },
    });
    expect(fleet.instances.map((i) => i.instance)).toEqual(['st-fast-small', 'st-fast-large', 'st-slow-small', 'st-slow-large']);
    const vm = vms(Testing.synth(chart) as K8sObject[]).find((v) => v.metadata.name === 'virtwork-st-slow-large-0')!;
    expect(vm.spec.dataVolumeTemplates[0].spec.storage).toMatchObject({ storageClassName: 'slow', accessModes: ['ReadWriteOnce'] });
  });

  it('fails without exactly one of mix and matrix', () => {
    expect(() => new Fleet(Testing.chart(), 'f', {})).toThrow('test/f: give either mix or matrix');
  });
});
