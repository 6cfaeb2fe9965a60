import { loadConfig } from '../../lib/config/synth-input';
import { synthesize } from '../../lib/render/synth';
import { scratch, writeFiles } from '../cli/_run';
import { K8sObject, parseManifests, validateObjects } from '../support/validators';

// virtwork.yaml: instances (`workload:`) and fleets (lib/fleet/fleet-config.ts, through the real loader and synthesis).

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

/** Synthesizes a virtwork.yaml; returns the files and the loaded configuration. */
function synthFile(yaml: string) {
  writeFiles(dir, { 'virtwork.yaml': yaml });
  const loaded = loadConfig({ env: {}, cwd: dir });
  return { files: synthesize(loaded.input), loaded };
}
function problemOf(yaml: string): string {
  try {
    synthFile(yaml);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
}
const vmsOf = (text: string) => parseManifests(text).filter((o) => o.kind === 'VirtualMachine');
const byName = (objs: readonly K8sObject[]) => new Map(objs.map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]));

const INSTANCES = `workloads:
  cpu-light:
    workload: cpu
    vm-count: 2
    params: { cpu-load-percent: 20 }
  cpu-heavy:
    workload: cpu
    size: large
`;

describe('instances in virtwork.yaml', () => {
  it('synthesizes two differently tuned instances of one workload next to the default selection', () => {
    // GIVEN two cpu instances with their own counts, params and size
    const { files } = synthFile(INSTANCES);

    // THEN each has its own file and names; the default cpu and memory are still there, unchanged in name
    expect([...files.keys()].sort()).toEqual(['cpu-heavy.yaml', 'cpu-light.yaml', 'cpu.yaml', 'kustomization.yaml', 'memory.yaml', 'namespace.yaml']);
    expect(vmsOf(files.get('cpu-light.yaml')!).map((v) => v.metadata.name)).toEqual(['virtwork-cpu-light-0', 'virtwork-cpu-light-1']);
    const heavy = vmsOf(files.get('cpu-heavy.yaml')!)[0];
    expect(heavy.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'cpu', 'virtwork/instance': 'cpu-heavy' });
    expect(heavy.spec.template.spec.domain.cpu.cores).toBe(8);
    const light = parseManifests(files.get('cpu-light.yaml')!).find((o) => o.kind === 'Secret')!;
    expect(light.stringData.userdata).toMatch(/--cpu-load\W+20\W/);
  });

  it('keeps an old single-instance file byte-identical when instances are added', () => {
    const before = synthFile('workloads:\n  cpu:\n    vm-count: 2\n').files;
    const after = synthFile(`workloads:\n  cpu:\n    vm-count: 2\n${INSTANCES.slice('workloads:\n'.length)}`).files;
    for (const f of ['cpu.yaml', 'memory.yaml', 'namespace.yaml']) expect(after.get(f)).toBe(before.get(f));
  });

  it('fails when an instance names an unknown workload type, or takes the name of another type', () => {
    expect(problemOf('workloads:\n  light:\n    workload: cpx\n')).toMatch(/^virtwork\.yaml: workloads\.light\.workload: unknown workload "cpx" \(did you mean "cpu"\?\)/);
    expect(problemOf('workloads:\n  memory:\n    workload: cpu\n')).toBe(
      'virtwork.yaml: workloads.memory: the instance name "memory" is the name of another workload type; choose another',
    );
  });
});

const MIX = (total: number) => `workloads:
  cpu: { enabled: false }
  memory: { enabled: false }
fleets:
  mixed:
    vm-count: ${total}
    mix:
      light: { workload: cpu, share: 70%, params: { cpu-load-percent: 30 } }
      web: { workload: tps, share: 20% }
      db: { workload: database, share: 10% }
`;

describe('fleets in virtwork.yaml', () => {
  it('splits a 50-VM mix by share into one file of three instances, 50 VMs exactly (tps in server/client pairs)', () => {
    const { files, loaded } = synthFile(MIX(50));
    expect([...files.keys()].sort()).toEqual(['kustomization.yaml', 'mixed.yaml', 'namespace.yaml']);
    expect(loaded.merged.file!.fleets!.map((f) => ({ ...f, shares: undefined }))).toEqual([{ name: 'mixed', kind: 'mix', vmCount: 50, instances: [
      { instance: 'mixed-light', workload: 'cpu', fraction: 0.7, count: 35, vms: 35 },
      { instance: 'mixed-web', workload: 'tps', fraction: 0.2, count: 5, vms: 10 },
      { instance: 'mixed-db', workload: 'database', fraction: 0.1, count: 5, vms: 5 },
    ] }]);
    const objs = parseManifests(files.get('mixed.yaml')!);
    const count = (instance: string) => objs.filter((o) => o.kind === 'VirtualMachine' && o.metadata.labels['virtwork/instance'] === instance).length;
    expect([count('mixed-light'), count('mixed-web'), count('mixed-db')]).toEqual([35, 10, 5]);
    // AND the first VM (with its Secret) of each instance and role, and every Service, pass the real validators
    const firsts = objs.filter((o) => o.kind === 'Service' || /-(server-|client-)?0(-cloudinit)?$/.test(o.metadata.name));
    expect(firsts.filter((o) => o.kind === 'VirtualMachine')).toHaveLength(4);
    expect(validateObjects(firsts)).toEqual([]);
  });

  it('rounds by largest remainder and changes only the objects it must when the count is raised', () => {
    // GIVEN the mix at 50, then at 51 VMs (quotas 35.7 / 10.2 / 5.1 VMs, web's 10 VMs being 5 pairs: light gets the extra VM)
    const before = byName(parseManifests(synthFile(MIX(50)).files.get('mixed.yaml')!));
    const after = byName(parseManifests(synthFile(MIX(51)).files.get('mixed.yaml')!));

    // THEN exactly light's new VM and its Secret are added; every other object is byte-identical
    const added = [...after.keys()].filter((k) => !before.has(k));
    expect(added).toEqual(['Secret/virtwork-mixed-light-35-cloudinit', 'VirtualMachine/virtwork-mixed-light-35']);
    for (const [k, v] of before) expect(after.get(k)).toBe(v);
  });

  it('counts every role of every member: a catalog entry with one fixed server and scaling clients, a pair per count', () => {
    // GIVEN 11 VMs at 50/30/20 % of cpu, mariadb-sysbench (1 server + n clients) and nginx-ab (n servers + n clients)
    const { files, loaded } = synthFile(`workloads: { cpu: { enabled: false }, memory: { enabled: false } }
fleets:
  m:
    vm-count: 11
    mix:
      cpu: { share: 50% }
      maria: { workload: mariadb-sysbench, share: 30% }
      nginx: { workload: nginx-ab, share: 20% }
`);
    // THEN quotas 5.5 / 3.3 / 2.2 VMs give 6 cpu VMs, a server and 2 clients, and one nginx pair: 11 VMs synthesized
    expect(loaded.merged.file!.fleets![0].instances.map((i) => [i.instance, i.count, i.vms])).toEqual([['m-cpu', 6, 6], ['m-maria', 2, 3], ['m-nginx', 1, 2]]);
    expect(vmsOf(files.get('m.yaml')!)).toHaveLength(11);
  });

  it('fails when the VMs of a mix of two-role workloads are odd, naming vm-count', () => {
    expect(problemOf('fleets:\n  m:\n    vm-count: 9\n    mix:\n      net: { workload: network, share: 1 }\n      web: { workload: tps, share: 2 }\n')).toBe(
      "virtwork.yaml: fleets.m.vm-count: 9 VMs do not split into whole instances: 1 VM is left that no member's next count fits in " +
        '(VMs per count: net (network) +2, web (tps) +2); change vm-count or add a member of a one-VM workload',
    );
    expect(problemOf('fleets:\n  m:\n    vm-count: 50\n    mix:\n      a: { workload: cpu, share: 99% }\n      n: { workload: network, share: 1% }\n')).toBe(
      "virtwork.yaml: fleets.m.mix.n.share: 1% of 50 VMs rounds to 0 VMs (one network instance is at least 2 VMs); raise the share or the fleet's vm-count, or drop the member",
    );
  });

  it('fails when a matrix of a two-role workload is over the VM limit once both roles are counted', () => {
    expect(problemOf('fleets:\n  n:\n    workload: network\n    vm-count: 1000\n    matrix:\n      size: [small, medium, large]\n      params.parallel-streams: [1, 2]\n')).toBe(
      'virtwork.yaml: fleets.n.matrix: 6 cells × 2000 VMs is over the limit of 10000 VMs of a fleet',
    );
  });

  const MATRIX = (classes: string) => `workloads:
  cpu: { enabled: false }
  memory: { enabled: false }
fleets:
  storage:
    workload: disk
    disk-size: 20Gi
    matrix:
      data-disk-storage-class: [${classes}]
      size: [small, large]
`;

  it('expands a matrix into readable cells, and adding a value adds only its cells', () => {
    const before = synthFile(MATRIX('fast, slow'));
    expect(before.loaded.input.workloads.map((w) => w.name)).toEqual(['storage-fast-small', 'storage-fast-large', 'storage-slow-small', 'storage-slow-large']);
    const vm = vmsOf(before.files.get('storage.yaml')!).find((v) => v.metadata.name === 'virtwork-storage-slow-large-0')!;
    expect(vm.spec.dataVolumeTemplates[0].spec.storage).toMatchObject({ storageClassName: 'slow', resources: { requests: { storage: '20Gi' } } });
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(8);

    const after = synthFile(MATRIX('fast, slow, ocs.rbd'));
    const [a, b] = [byName(parseManifests(after.files.get('storage.yaml')!)), byName(parseManifests(before.files.get('storage.yaml')!))];
    expect([...a.keys()].filter((k) => !b.has(k)).filter((k) => k.startsWith('VirtualMachine/'))).toEqual([
      'VirtualMachine/virtwork-storage-ocs-rbd-small-0', 'VirtualMachine/virtwork-storage-ocs-rbd-large-0',
    ]);
    for (const [k, v] of b) expect(a.get(k)).toBe(v);
  });

  it('fails with one line naming the key for each kind of bad fleet', () => {
    const mix = (members: string, total = 50) => `fleets:\n  m:\n    vm-count: ${total}\n    mix:\n${members}`;
    expect(problemOf(mix('      a: { workload: cpu, share: 70% }\n      b: { workload: memory, share: 20% }\n'))).toBe(
      'virtwork.yaml: fleets.m.mix: percentage shares must sum to 100%, got 90% (a 70%, b 20%)',
    );
    expect(problemOf(mix('      a: { workload: cpu, share: 99% }\n      b: { workload: memory, share: 1% }\n', 20))).toBe(
      "virtwork.yaml: fleets.m.mix.b.share: 1% of 20 VMs rounds to 0 VMs; raise the share or the fleet's vm-count, or drop the member",
    );
    expect(problemOf(mix('      a: { workload: cpu, share: 70% }\n      b: { workload: memory, share: 3 }\n'))).toMatch(/^virtwork\.yaml: fleets\.m\.mix: shares must be all percentages or all weights/);
    expect(problemOf(mix('      a: { workload: cpu, share: 1 }\n', 20000))).toBe(
      'virtwork.yaml: fleets.m.vm-count: must be an integer from 1 to 10000 (the VM limit of a fleet), got 20000',
    );
    expect(problemOf(`fleets:\n  s:\n    workload: disk\n    matrix:\n      size: [small, large]\n      instancetype: [u1.small, u1-small]\n`)).toBe(
      'virtwork.yaml: fleets.s.matrix.instancetype: values "u1.small" and "u1-small" would give cells the same name "u1-small"; give distinct values',
    );
    expect(problemOf(`fleets:\n  s:\n    workload: disk\n    vm-count: 1000\n    matrix:\n      size: [small, medium, large]\n      params.block-size: [4k, 1M, 64k, 1g]\n`))
      .toBe('virtwork.yaml: fleets.s.matrix: 12 cells × 1000 VMs is over the limit of 10000 VMs of a fleet');
    expect(problemOf(`fleets:\n  s:\n    workload: disk\n    matrix:\n      size: [small, huge]\n`)).toMatch(/^virtwork\.yaml: fleets\.s\.matrix\.size: .*"huge"/);
    expect(problemOf(mix('      a: { workload: cpu, share: 100%, cpu-cores: 0 }\n'))).toMatch(/^virtwork\.yaml: fleets\.m\.mix\.a\.cpu-cores: /);
  });
});
