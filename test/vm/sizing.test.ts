import { resolveSizing } from '../../lib/vm/sizing';

describe('resolveSizing', () => {
  it('defaults to 2 cores and 2Gi like the Go tool', () => {
    expect(resolveSizing('cpu', {})).toEqual({ cpuCores: 2, memory: '2Gi' });
  });

  it('keeps explicit cores and memory and adds a preference', () => {
    expect(resolveSizing('cpu', { cpuCores: 3, memory: '3Gi', preference: { name: 'fedora' } })).toEqual({
      cpuCores: 3, memory: '3Gi', preference: { name: 'fedora', kind: 'VirtualMachineClusterPreference' },
    });
  });

  it('resolves a namespaced instancetype', () => {
    expect(resolveSizing('cpu', { instancetype: { name: 'my-size', kind: 'VirtualMachineInstancetype' } })).toEqual({
      instancetype: { name: 'my-size', kind: 'VirtualMachineInstancetype' },
    });
  });

  it.each([
    [{ size: 'small', memory: '8Gi' }, 'cpu: size "small" and memory are mutually exclusive'],
    [{ instancetype: { name: 'u1.large' }, cpuCores: 2, memory: '1Gi' }, 'cpu: instancetype "u1.large" and cpuCores, memory are mutually exclusive'],
    [{ cpuCores: 0 }, 'cpu: cpuCores must be an integer from 1 to 512, got 0'],
    [{ memory: 'lots' }, 'cpu: memory must be a positive quantity like 512Mi, 2Gi or 10G, got "lots"'],
    [{ instancetype: { name: 'U1.Medium' } }, 'cpu: instancetype.name must be a DNS-1123 subdomain'],
    [{ preference: { name: 'fedora', kind: 'Preference' } }, 'cpu: preference.kind must be one of VirtualMachineClusterPreference, VirtualMachinePreference, got "Preference"'],
  ])('fails when given %j', (o, message) => {
    expect(() => resolveSizing('cpu', o as any)).toThrow(message);
  });
});
