import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { loadConfig } from '../../lib/config/synth-input';
import { buildApp } from '../../lib/render/synth';
import { VirtualMachine } from '../../lib/vm/virtual-machine';
import { workloadPackages } from '../../lib/image/packages';

const cwd = `${__dirname}/../..`;

/** The packages of every VM's user-data, read independently of lib/image (from the synthesized Secrets). */
function userDataPackages(workloads: string, family: string): string[] {
  const app = buildApp(loadConfig({ flags: { workloads, guestFamily: family }, env: {}, cwd }).input);
  const vms = app.node.findAll().filter((c): c is VirtualMachine => c instanceof VirtualMachine);
  return [...new Set(vms.flatMap((vm) => (parseCloudConfig(vm.plainSecret.stringData.userdata).packages as string[]) ?? []))].sort();
}

describe('workloadPackages', () => {
  it('GIVEN selected workloads THEN the set is exactly the union of their synthesized user-data packages', () => {
    const got = workloadPackages({ family: 'debian', workloads: ['cpu', 'disk', 'network'], env: {}, cwd });
    expect(got.packages).toEqual(userDataPackages('cpu,disk,network', 'debian'));
    expect(got.packages).toEqual(expect.arrayContaining(['stress-ng', 'fio', 'iperf3', 'qemu-guest-agent']));
    expect(Object.keys(got.byWorkload)).toEqual(['cpu', 'disk', 'network']);
  });

  it('GIVEN a catalog entry THEN its packages are in the set too', () => {
    const got = workloadPackages({ family: 'debian', workloads: ['sysbench'], env: {}, cwd });
    expect(got.packages).toContain('sysbench');
  });

  it('GIVEN no selection THEN every built-in and catalog workload is considered, each either served or reported as left out', () => {
    const got = workloadPackages({ family: 'debian', env: {}, cwd });
    const considered = [...Object.keys(got.byWorkload), ...Object.keys(got.skipped)].sort();
    expect(considered).toEqual(expect.arrayContaining(['chaos-disk', 'cpu', 'database', 'disk', 'memory', 'network', 'sysbench']));
    for (const why of Object.values(got.skipped)) expect(why).toMatch(/debian/);
  });

  it('fails when a selected workload is unknown, naming it', () => {
    expect(() => workloadPackages({ family: 'debian', workloads: ['cpuu'], env: {}, cwd })).toThrow(/cpuu/);
  });
});

describe('packages-preinstalled', () => {
  it('GIVEN --packages-preinstalled true THEN no VM\'s user-data has a packages step', () => {
    expect(userDataPackagesWith('cpu,disk,network', { packagesPreinstalled: 'true' })).toEqual([]);
  });

  it('GIVEN packages-preinstalled in the environment THEN the image still gets the full package set (the builder reads the user-data without it)', () => {
    const got = workloadPackages({ family: 'debian', workloads: ['cpu'], env: { VIRTWORK_PACKAGES_PREINSTALLED: 'true' }, cwd });
    expect(got.packages).toEqual(expect.arrayContaining(['stress-ng', 'qemu-guest-agent']));
  });
});

function userDataPackagesWith(workloads: string, flags: Record<string, string>): string[] {
  const app = buildApp(loadConfig({ flags: { workloads, ...flags }, env: {}, cwd }).input);
  const vms = app.node.findAll().filter((c): c is VirtualMachine => c instanceof VirtualMachine);
  return vms.flatMap((vm) => (parseCloudConfig(vm.plainSecret.stringData.userdata).packages as string[]) ?? []);
}
