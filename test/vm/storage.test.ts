import { checkRootDisk, checkStorageOptions, isShared, storageSpec } from '../../lib/vm/storage';

describe('storage options', () => {
  it('writes only what is set into the CDI storage block', () => {
    expect(JSON.parse(JSON.stringify(storageSpec({}, undefined)))).toEqual({});
    expect(JSON.parse(JSON.stringify(storageSpec({ volumeMode: 'Block' }, '5Gi')))).toEqual({ volumeMode: 'Block', resources: { requests: { storage: { value: '5Gi' } } } });
  });

  it('knows storage is shared only when ReadWriteMany is explicit', () => {
    expect(isShared({})).toBe(false);
    expect(isShared({ accessModes: ['ReadWriteOnce'] })).toBe(false);
    expect(isShared({ accessModes: ['ReadWriteMany'] })).toBe(true);
  });

  it.each([
    [{ storageClass: 'Fast SSD' }, 'disk: dataDisk.storageClass must be a DNS-1123 subdomain'],
    [{ accessModes: [] }, "disk: dataDisk.accessModes must not be empty (leave it out to use the StorageProfile's)"],
    [{ accessModes: ['RWX'] }, 'disk: dataDisk.accessModes: unknown access mode "RWX"; allowed: ReadWriteOnce, ReadWriteMany, ReadOnlyMany, ReadWriteOncePod'],
    [{ accessModes: ['ReadWriteOnce', 'ReadWriteOnce'] }, 'disk: dataDisk.accessModes lists a mode twice'],
    [{ volumeMode: 'block' }, 'disk: dataDisk.volumeMode must be one of Filesystem, Block, got "block"'],
  ])('fails when data disk storage is %j', (o, message) => {
    expect(() => checkStorageOptions('disk', 'dataDisk', o as any)).toThrow(message);
  });

  it.each([
    [{}, 'cpu: rootDisk.dataSource.name is required (the DataSource to clone, e.g. "fedora")'],
    [{ dataSource: { name: 'fedora', namespace: 'OS Images' } }, 'cpu: rootDisk.dataSource.namespace must be a DNS-1123 label'],
    [{ dataSource: { name: 'fedora' }, size: '30' + 'GB' }, 'cpu: rootDisk.size must be a positive quantity like 512Mi, 2Gi or 10G, got "30GB"'],
  ])('fails when the root disk is %j', (d, message) => {
    expect(() => checkRootDisk('cpu', d as any)).toThrow(message);
  });
});
