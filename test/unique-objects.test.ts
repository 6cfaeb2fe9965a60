import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { loadCatalogEntry, SHIPPED_CATALOG_DIR, CatalogWorkload } from '../lib/catalog';
import { VirtworkError } from '../lib/core/errors';
import { checkAppObjects } from '../lib/vm/unique-objects';
import { CpuWorkload } from '../lib/workloads/cpu';
import { DiskWorkload } from '../lib/workloads/disk';
import { NetworkWorkload } from '../lib/workloads/network';

// App-wide checks (lib/vm/unique-objects.ts): run by cdk8s's own validation on app.synth() / chart.toJson().

/** The one-line error `build` makes synthesis fail with. */
function synthError(build: (app: App) => void): string {
  const app = Testing.app();
  build(app);
  try {
    app.synthYaml();
  } catch (err) {
    expect(err).toBeInstanceOf(VirtworkError);
    return (err as Error).message;
  }
  throw new Error('synthesis did not fail');
}

describe('checkAppObjects', () => {
  it('passes an app of distinct instances, in different charts too', () => {
    const app = Testing.app();
    new CpuWorkload(new Chart(app, 'a'), 'cpu-a');
    new CpuWorkload(new Chart(app, 'b'), 'cpu-b');
    new NetworkWorkload(new Chart(app, 'c'), 'network');
    expect(() => checkAppObjects(app)).not.toThrow();
    expect(() => app.synthYaml()).not.toThrow();
  });

  it('fails when two instances in different charts give objects the same name, naming both construct paths in one line', () => {
    const message = synthError((app) => {
      new CpuWorkload(new Chart(app, 'team-a', { namespace: 'load' }), 'cpu', { vmCount: 2 });
      new CpuWorkload(new Chart(app, 'team-b', { namespace: 'load' }), 'other', { name: 'cpu' });
    });
    expect(message).toBe(
      'duplicate Secret "virtwork-cpu-0-cloudinit" in namespace "load": defined by team-a/cpu/virtwork-cpu-0/cloudinit ' +
        'and by team-b/other/virtwork-cpu-0/cloudinit',
    );
    expect(message.split('\n')).toHaveLength(1);
  });

  it('allows the same names in different namespaces', () => {
    const app = Testing.app();
    new CpuWorkload(new Chart(app, 'a', { namespace: 'one' }), 'cpu');
    new CpuWorkload(new Chart(app, 'b', { namespace: 'two' }), 'cpu');
    expect(() => app.synthYaml()).not.toThrow();
  });

  it("fails when the user's own object takes the name of a virtwork object", () => {
    const message = synthError((app) => {
      const chart = new Chart(app, 'load', { namespace: 'virtwork' });
      new CpuWorkload(chart, 'cpu');
      new ApiObject(chart, 'mine', { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'virtwork-cpu-0' } });
    });
    expect(message).toBe('duplicate VirtualMachine "virtwork-cpu-0" in namespace "virtwork": defined by load/cpu/virtwork-cpu-0/vm and by load/mine');
  });

  it('fails when a DataVolume would take the name of one created from a VM template', () => {
    // GIVEN a disk workload and a DataVolume of the user's named like the one KubeVirt creates from the VM's template
    const message = synthError((app) => {
      const chart = new Chart(app, 'load', { namespace: 'virtwork' });
      new DiskWorkload(chart, 'disk');
      new ApiObject(chart, 'dv', { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'virtwork-disk-data-virtwork-disk-0' } });
    });
    expect(message).toMatch(/^duplicate DataVolume "virtwork-disk-data-virtwork-disk-0" in namespace "virtwork": defined by load\/disk\/virtwork-disk-0 \(DataVolume template\) and by load\/dv$/);
  });

  it('fails when the Service of the type-named instance would also select the VMs of another instance', () => {
    // GIVEN the shipped redis-bench entry twice: once named after its type (no instance label), once as "redis-b"
    const entry = loadCatalogEntry(SHIPPED_CATALOG_DIR, 'redis-bench');
    const message = synthError((app) => {
      const chart = new Chart(app, 'load');
      new CatalogWorkload(chart, 'redis-bench', { entry });
      new CatalogWorkload(chart, 'redis-b', { entry });
    });
    expect(message).toMatch(
      /^Service "virtwork-redis-bench" of load\/redis-bench also selects VM "virtwork-redis-b-server-0" of load\/redis-b \(another instance of "redis-bench"\): .* give it a name of its own \(e.g. "redis-bench-a"\)$/,
    );
  });
});
