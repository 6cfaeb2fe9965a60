import { checkLabelKey, evictionStrategyFor, spreadAffinity } from '../../lib/vm/placement';

describe('evictionStrategyFor', () => {
  it('live-migrates a VM without PVCs or with only ReadWriteMany PVCs', () => {
    expect(evictionStrategyFor('vm', undefined, [])).toBe('LiveMigrate');
    expect(evictionStrategyFor('vm', undefined, [{ accessModes: ['ReadWriteMany'], what: 'root' }])).toBe('LiveMigrate');
  });

  it('asks for LiveMigrateIfPossible when a PVC may not be shared', () => {
    expect(evictionStrategyFor('vm', undefined, [{ what: 'root' }])).toBe('LiveMigrateIfPossible');
    expect(evictionStrategyFor('vm', undefined, [{ accessModes: ['ReadWriteMany'], what: 'a' }, { accessModes: ['ReadWriteOnce'], what: 'b' }]))
      .toBe('LiveMigrateIfPossible');
  });

  it('keeps an explicit choice that the storage allows', () => {
    expect(evictionStrategyFor('vm', 'None', [{ accessModes: ['ReadWriteOnce'], what: 'd' }])).toBe('None');
    expect(evictionStrategyFor('vm', 'LiveMigrate', [{ what: 'd' }])).toBe('LiveMigrate');
  });

  it('fails when LiveMigrate meets storage known not to be shared', () => {
    expect(() => evictionStrategyFor('vm', 'LiveMigrate', [{ accessModes: ['ReadWriteOncePod'], what: 'the root disk' }])).toThrow(
      'vm: evictionStrategy "LiveMigrate" needs ReadWriteMany storage, but the root disk is ReadWriteOncePod',
    );
  });
});

describe('spreadAffinity', () => {
  it('is absent for spread "none"', () => {
    expect(spreadAffinity('none', { a: 'b' })).toBeUndefined();
  });
});

describe('checkLabelKey', () => {
  it.each(['kubernetes.io/hostname', 'disktype', 'node-role.kubernetes.io/worker', 'a_b.c'])('accepts %s', (key) => {
    expect(checkLabelKey('k', key)).toBe(key);
  });

  it.each(['', '/x', 'a/b/c', 'x'.repeat(64), 'bad key', 'UPPER.example.com/x'])('fails when the key is %j', (key) => {
    expect(() => checkLabelKey('nodeSelector key', key)).toThrow(`nodeSelector key must be a label key like "node-role.kubernetes.io/worker"`);
  });
});
