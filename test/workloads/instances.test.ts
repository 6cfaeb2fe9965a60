import { Testing } from 'cdk8s';
import { loadCatalogEntry, SHIPPED_CATALOG_DIR, CatalogWorkload } from '../../lib/catalog';
import { LABEL_INSTANCE } from '../../lib/core/labels';
import { LABEL_KUBEVIRT_VM_NAME } from '../../lib/vm/service';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { DiskWorkload } from '../../lib/workloads/disk';
import { NetworkWorkload } from '../../lib/workloads/network';
import { TpsWorkload } from '../../lib/workloads/tps';
import { K8sObject, validateObjects } from '../support/validators';
import { bashProgram, byKind, find, names, synth, unitOf, userData } from './_support';

// Workload instances (lib/workloads/_workload.ts): a workload construct's objects are named from its construct id.

const vmNames = (objs: readonly K8sObject[]) => byKind(objs, 'VirtualMachine').map((o) => o.metadata.name);
const iperfHost = (objs: readonly K8sObject[], vm: string) =>
  /iperf3 -c (\S+)/.exec(bashProgram(unitOf(userData(objs, vm), 'virtwork-network.service')))![1];
const tpsServerOf = (objs: readonly K8sObject[], vm: string) => {
  const script = userData(objs, vm).write_files.find((f) => f.path === '/usr/local/bin/virtwork-tps-client.sh')!.content;
  return /SERVER=(\S+)/.exec(script)?.[1] ?? script;
};

describe('workload instances', () => {
  it('names two instances of one workload after their construct ids, each with its own labels', () => {
    // GIVEN two cpu workloads with different ids and params
    // WHEN they are synthesized in one chart
    const objs = synth((c) => {
      new CpuWorkload(c, 'cpu-a', { vmCount: 2 });
      new CpuWorkload(c, 'cpu-b', { params: { 'cpu-load-percent': 20 } });
    });

    // THEN every object is named from its instance, the type stays in the component label and the instance is labelled
    expect(vmNames(objs)).toEqual(['virtwork-cpu-a-0', 'virtwork-cpu-a-1', 'virtwork-cpu-b-0']);
    expect(byKind(objs, 'Secret').map((o) => o.metadata.name)).toEqual(['virtwork-cpu-a-0-cloudinit', 'virtwork-cpu-a-1-cloudinit', 'virtwork-cpu-b-0-cloudinit']);
    const labels = find(objs, 'VirtualMachine', 'virtwork-cpu-b-0').metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('cpu');
    expect(labels[LABEL_INSTANCE]).toBe('cpu-b');
    expect(labels['app.kubernetes.io/instance']).toBeUndefined();
    expect(find(objs, 'VirtualMachine', 'virtwork-cpu-b-0').spec.template.metadata.labels[LABEL_INSTANCE]).toBe('cpu-b');
    expect(find(objs, 'Secret', 'virtwork-cpu-a-0-cloudinit').metadata.labels[LABEL_INSTANCE]).toBe('cpu-a');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('keeps the configuration names and labels for the instance named after its type, and lets `name` override the id', () => {
    // GIVEN a cpu workload with id "cpu", and one whose name prop overrides its id
    const objs = synth((c) => {
      new CpuWorkload(c, 'cpu');
      new CpuWorkload(c, 'Heavy Load', { name: 'heavy' });
    });

    // THEN the first has today's name and no instance label; the second is named from its name prop
    expect(vmNames(objs)).toEqual(['virtwork-cpu-0', 'virtwork-heavy-0']);
    expect(Object.keys(find(objs, 'VirtualMachine', 'virtwork-cpu-0').metadata.labels)).not.toContain(LABEL_INSTANCE);
    expect(find(objs, 'VirtualMachine', 'virtwork-heavy-0').metadata.labels[LABEL_INSTANCE]).toBe('heavy');
  });

  it('fails when the construct id is not a DNS-1123 label, naming the construct path and the name prop', () => {
    const chart = Testing.chart();
    expect(() => new CpuWorkload(chart, 'Cpu_A')).toThrow(
      /^test\/Cpu_A: the instance name \(the construct id; the `name` prop overrides it\) must be a DNS-1123 label .* got "Cpu_A"$/,
    );
    expect(() => new CpuWorkload(chart, 'ok', { name: 'x'.repeat(51) })).toThrow(/^test\/ok: name must be a DNS-1123 label .*at most 50 characters/);
  });

  it('gives every network instance its own Services, and points each client at a server of its own instance', () => {
    // GIVEN the type-named network instance and two more, two pairs each
    const objs = synth((c) => {
      new NetworkWorkload(c, 'network', { namespace: 'load', vmCount: 2 });
      new NetworkWorkload(c, 'net-a', { namespace: 'load', vmCount: 2 });
      new NetworkWorkload(c, 'net-b', { namespace: 'load', vmCount: 2 });
    });

    // THEN the Services follow the instance (the type-named one keeps the reference names)
    expect(byKind(objs, 'Service').map((o) => o.metadata.name)).toEqual([
      'virtwork-iperf3-server', 'virtwork-iperf3-server-1',
      'virtwork-net-a-server', 'virtwork-net-a-server-1',
      'virtwork-net-b-server', 'virtwork-net-b-server-1',
    ]);
    // AND every Service selects exactly the server VM of its own instance, by instance label and VM name
    for (const [svc, vm, instance] of [
      ['virtwork-net-a-server-1', 'virtwork-net-a-server-1', 'net-a'], ['virtwork-net-b-server', 'virtwork-net-b-server-0', 'net-b'],
    ]) {
      const selector = find(objs, 'Service', svc).spec.selector;
      expect(selector[LABEL_KUBEVIRT_VM_NAME]).toBe(vm);
      expect(selector[LABEL_INSTANCE]).toBe(instance);
      const target = find(objs, 'VirtualMachine', vm).spec.template.metadata.labels;
      for (const [k, v] of Object.entries(selector)) if (k !== LABEL_KUBEVIRT_VM_NAME) expect(target[k]).toBe(v);
    }
    expect(Object.keys(find(objs, 'Service', 'virtwork-iperf3-server').spec.selector)).not.toContain(LABEL_INSTANCE);
    // AND every client's host name is the Service of its own instance's paired server
    expect(iperfHost(objs, 'virtwork-net-a-client-1')).toBe('virtwork-net-a-server-1');
    expect(iperfHost(objs, 'virtwork-net-b-client-0')).toBe('virtwork-net-b-server');
    expect(iperfHost(objs, 'virtwork-network-client-0')).toBe('virtwork-iperf3-server');
    expect(validateObjects(objs)).toEqual([]);
  });

  it('gives tps instances their own Services and client targets', () => {
    const objs = synth((c) => {
      new TpsWorkload(c, 'tps');
      new TpsWorkload(c, 'tps-b');
    });
    expect(byKind(objs, 'Service').map((o) => o.metadata.name)).toEqual(['virtwork-tps-server', 'virtwork-tps-b-server']);
    expect(tpsServerOf(objs, 'virtwork-tps-b-client-0')).toBe('virtwork-tps-b-server');
    expect(tpsServerOf(objs, 'virtwork-tps-client-0')).toBe('virtwork-tps-server');
  });

  it('names DataVolumes after the instance', () => {
    const objs = synth((c) => new DiskWorkload(c, 'disk-fast'));
    const vm = find(objs, 'VirtualMachine', 'virtwork-disk-fast-0');
    expect(vm.spec.dataVolumeTemplates.map((t: K8sObject) => t.metadata.name)).toEqual(['virtwork-disk-data-virtwork-disk-fast-0']);
    expect(vm.spec.dataVolumeTemplates[0].metadata.labels[LABEL_INSTANCE]).toBe('disk-fast');
  });

  it('names the Service of a catalog instance after the instance, and substitutes it into the guest', () => {
    // GIVEN the shipped redis-bench entry as two named instances
    const entry = loadCatalogEntry(SHIPPED_CATALOG_DIR, 'redis-bench');
    const objs = synth((c) => {
      new CatalogWorkload(c, 'redis-a', { entry });
      new CatalogWorkload(c, 'redis-b', { entry });
    });

    // THEN each has its own Service selecting only its own VMs
    expect(byKind(objs, 'Service').map((o) => o.metadata.name)).toEqual(['virtwork-redis-a', 'virtwork-redis-b']);
    expect(find(objs, 'Service', 'virtwork-redis-b').spec.selector[LABEL_INSTANCE]).toBe('redis-b');
    expect(names(objs).filter((n) => n.startsWith('VirtualMachine/')).every((n) => /virtwork-redis-[ab]-/.test(n))).toBe(true);
    const client = vmNames(objs).find((n) => n.startsWith('virtwork-redis-b-client'))!;
    const text = JSON.stringify(userData(objs, client));
    expect(text).toContain('-h virtwork-redis-b -p');
    expect(text).not.toContain('virtwork-redis-a');
  });
});
