import { VM_OPTION_KEYS, VmOptions, checkVmOptions, mergeVmOptions, pickVmOptions } from '../../lib/vm/vm-options';

describe('VmOptions', () => {
  it('picks exactly the VM options out of larger props', () => {
    const props = { vmCount: 3, size: 'small' as const, spread: 'required' as const, params: { x: 1 }, runStrategy: undefined };
    expect(pickVmOptions(props)).toEqual({ size: 'small', spread: 'required' });
  });

  it('lists every option once', () => {
    expect(new Set(VM_OPTION_KEYS).size).toBe(VM_OPTION_KEYS.length);
  });

  it('accepts a full, consistent set of options', () => {
    const o = {
      size: 'large' as const, preference: { name: 'fedora' }, rootDisk: { dataSource: { name: 'fedora' }, accessModes: ['ReadWriteMany' as const] },
      dataDisk: { storageClass: 'ocs', volumeMode: 'Block' as const }, nodeSelector: { a: 'b' }, tolerations: [{ operator: 'Exists' as const }],
      spread: 'preferred' as const, evictionStrategy: 'LiveMigrateIfPossible' as const, runStrategy: 'Manual' as const, architecture: 'arm64' as const,
      userDataSecret: { mode: 'reference' as const },
    };
    expect(checkVmOptions('cpu', o)).toBe(o);
  });

  it.each([
    [{ architecture: 'x86_64' }, 'cpu: architecture must be one of amd64, arm64, s390x, got "x86_64"'],
    [{ evictionStrategy: 'Migrate' }, 'cpu: evictionStrategy must be one of LiveMigrate, LiveMigrateIfPossible, None, External, got "Migrate"'],
    [{ tolerations: [{ value: 'x' }] }, 'cpu: tolerations[0]: a toleration without a key must use operator "Exists"'],
    [{ image: 'quay.io/a:1', rootDisk: { dataSource: { name: 'fedora' } } }, 'cpu: image and rootDisk are mutually exclusive'],
  ])('fails when given %j', (o, message) => {
    expect(() => checkVmOptions('cpu', o as any)).toThrow(message);
  });
});

describe('mergeVmOptions', () => {
  it('takes each option from the highest source that gives it, object options field by field', () => {
    expect(mergeVmOptions([
      { where: 'a', options: { spread: 'required', dataDisk: { volumeMode: 'Block' } } },
      { where: 'b', options: { spread: 'preferred', runStrategy: 'Manual', dataDisk: { storageClass: 'x', volumeMode: 'Filesystem' } } },
    ])).toEqual({ spread: 'required', runStrategy: 'Manual', dataDisk: { storageClass: 'x', volumeMode: 'Block' } });
  });

  it('decides sizing and root disk as a whole at the highest source that gives one', () => {
    expect(mergeVmOptions([
      { where: 'workload', options: { size: 'large', rootDisk: { dataSource: { name: 'fedora' } } } },
      { where: 'global', options: { cpuCores: 4, memory: '4Gi', image: 'quay.io/a:1', rootDisk: { size: '30Gi' } as VmOptions['rootDisk'] } },
    ])).toEqual({ size: 'large', rootDisk: { dataSource: { name: 'fedora' }, size: '30Gi' } });
    expect(mergeVmOptions([
      { where: 'flags', options: { memory: '3Gi' } },
      { where: 'file', options: { cpuCores: 3, size: 'small' } },
    ])).toEqual({ memory: '3Gi', cpuCores: 3 });
  });

  it('fails when one source gives two alternatives, naming the source and the keys', () => {
    expect(() => mergeVmOptions([{ where: 'virtwork.yaml', options: { size: 'small', memory: '1Gi' } }], { memory: 'memory' }))
      .toThrow('virtwork.yaml: cpuCores/memory and size are mutually exclusive; give one');
    expect(() => mergeVmOptions([{ where: 'x', options: { image: 'a:1', rootDisk: { dataSource: { name: 'f' } } } }], { rootDisk: 'root-disk-datasource' }))
      .toThrow('x: image and root-disk-datasource are mutually exclusive; give one');
  });
});
