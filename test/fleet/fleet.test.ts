import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Fleet } from '../../lib/fleet/fleet';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { DiskWorkload } from '../../lib/workloads/disk';
import { NetworkWorkload } from '../../lib/workloads/network';
import { TpsWorkload } from '../../lib/workloads/tps';
import { K8sObject } from '../support/validators';

const vms = (objs: readonly K8sObject[]) => objs.filter((o) => o.kind === 'VirtualMachine');

describe('Fleet', () => {
  it('expands a mix into one instance per member, VMs by share: a network member gets whole server/client pairs', () => {
    // GIVEN a 10-VM mix of cpu and network in weights 4:1 (quotas 8 and 2 VMs)
    const chart = Testing.chart();
    const fleet = new Fleet(chart, 'mixed', {
      defaults: { cpuCores: 1 },
      mix: { vmCount: 10, members: [
        { name: 'cpu', workload: CpuWorkload, share: 4, props: { params: { 'cpu-load-percent': 40 } } },
        { name: 'net', workload: NetworkWorkload, share: 1 },
      ] },
    });

    // THEN the instances, their counts and VMs (10 in all: the network share is one pair), and their objects' names
    expect(fleet.instances).toEqual([
      { instance: 'mixed-cpu', workload: 'cpu', fraction: 0.8, count: 8, vms: 8 },
      { instance: 'mixed-net', workload: 'network', fraction: 0.2, count: 1, vms: 2 },
    ]);
    const objs = Testing.synth(chart) as K8sObject[];
    expect(vms(objs).map((v) => v.metadata.name)).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `virtwork-mixed-cpu-${i}`),
      'virtwork-mixed-net-server-0', 'virtwork-mixed-net-client-0',
    ]);
    expect(vms(objs)[0].spec.template.spec.domain.cpu.cores).toBe(1);
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['virtwork-mixed-net-server']);
  });

  it('synthesizes exactly vmCount VMs for mixes of one- and two-role workloads, the shares rounded in whole pairs', () => {
    for (const total of [7, 10, 23, 50, 51]) {
      // GIVEN a mix of cpu, network and tps at 50/30/20 %
      const chart = Testing.chart();
      const fleet = new Fleet(chart, 'm', { mix: { vmCount: total, members: [
        { name: 'cpu', workload: CpuWorkload, share: '50%' },
        { name: 'net', workload: NetworkWorkload, share: '30%' },
        { name: 'tps', workload: TpsWorkload, share: '20%' },
      ] } });
      // THEN the VMs synthesized are the total, each instance's VMs are what it reports, and no share is off by a pair
      expect(vms(Testing.synth(chart) as K8sObject[])).toHaveLength(total);
      expect(fleet.instances.map((i) => i.vms)).toEqual(fleet.workloads.map((w) => w.vms.length));
      for (const i of fleet.instances) expect(Math.abs(i.vms - i.fraction! * total)).toBeLessThan(2);
    }
  });

  it('fails when the VMs cannot be split into whole pairs, naming the count', () => {
    expect(() => new Fleet(Testing.chart(), 'm', { mix: { vmCount: 9, members: [
      { name: 'net', workload: NetworkWorkload, share: 1 },
      { name: 'tps', workload: TpsWorkload, share: 1 },
    ] } })).toThrow("test/m.vm-count: 9 VMs do not split into whole instances: 1 VM is left that no member's next count fits in " +
      '(VMs per count: net (network) +2, tps (tps) +2); change vm-count or add a member of a one-VM workload');
    expect(() => new Fleet(Testing.chart(), 'm', { mix: { vmCount: 20, members: [
      { name: 'cpu', workload: CpuWorkload, share: '95%' },
      { name: 'net', workload: NetworkWorkload, share: '5%' },
    ] } })).toThrow("test/m.mix.net.share: 5% of 20 VMs rounds to 0 VMs (one network instance is at least 2 VMs); raise the share or the fleet's vm-count, or drop the member");
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

  it('fails, saying why, when a member class cannot be built with its defaults to count its VMs', () => {
    class Needy extends CpuWorkload {
      public static readonly workloadName = 'needy' as 'cpu';
      public constructor(scope: Construct, id: string, props: { params?: Record<string, unknown> } = {}) {
        if (props.params?.x === undefined) throw new Error('needy: params.x is required');
        super(scope, id, props);
      }
    }
    expect(() => new Fleet(Testing.chart(), 'm', { mix: { vmCount: 4, members: [{ name: 'n', workload: Needy, share: 1, props: { params: { x: 1 } } }] } })).toThrow(
      'needy: cannot tell how its VMs follow vmCount (it is built with its defaults at vmCount 1 and 2 to count them): needy: params.x is required',
    );
  });

  it('fails without exactly one of mix and matrix', () => {
    expect(() => new Fleet(Testing.chart(), 'f', {})).toThrow('test/f: give either mix or matrix');
  });
});
