import { applyRank, CLEANUP_KINDS, DEFAULT_CLUSTER_NAMESPACE, plural } from '../../lib/cluster/kinds';
import { DEFAULT_NAMESPACE } from '../../lib/virtual-machine';

describe('kinds', () => {
  it('applies Namespace, then Secrets and Services, then DataVolumes, then VirtualMachines, then any other kind', () => {
    const kinds = ['VirtualMachineInstanceMigration', 'VirtualMachine', 'Secret', 'DataVolume', 'Service', 'Namespace'];
    expect([...kinds].sort((a, b) => applyRank(a) - applyRank(b))).toEqual(['Namespace', 'Secret', 'Service', 'DataVolume', 'VirtualMachine', 'VirtualMachineInstanceMigration']);
  });

  it('cleans up VirtualMachines first and DataVolumes before their PVCs', () => {
    expect(CLEANUP_KINDS.map((k) => k.kind)).toEqual(['VirtualMachine', 'Service', 'Secret', 'DataVolume', 'PersistentVolumeClaim']);
  });

  it('defaults to the namespace virtwork synth writes', () => {
    expect(DEFAULT_CLUSTER_NAMESPACE).toBe(DEFAULT_NAMESPACE);
  });

  it('names kinds in the plural for messages', () => {
    expect(['Secret', 'Service', 'VirtualMachine', 'Ingress'].map(plural)).toEqual(['Secrets', 'Services', 'VirtualMachines', 'Ingresses']);
  });
});
