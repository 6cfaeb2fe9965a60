import { mixCounts } from '../../lib/fleet/mix';
import { matrixCells, valueName } from '../../lib/fleet/matrix';

describe('mixCounts', () => {
  it('splits by largest remainder: counts sum to the total, ties go to the earlier member', () => {
    // GIVEN shares whose exact quotas are 33.3 each of 10
    const counts = mixCounts('f', 10, [{ name: 'a', share: 1 }, { name: 'b', share: 1 }, { name: 'c', share: 1 }]);
    // THEN the one VM left goes to the first
    expect(counts.map((c) => c.count)).toEqual([4, 3, 3]);
    expect(mixCounts('f', 51, [{ name: 'a', share: '70%' }, { name: 'b', share: '20%' }, { name: 'c', share: '10%' }]).map((c) => c.count)).toEqual([36, 10, 5]);
  });

  it('is deterministic and exact over many totals', () => {
    for (let total = 3; total <= 500; total += 7) {
      const counts = mixCounts('f', total, [{ name: 'a', share: '33.3%' }, { name: 'b', share: '33.3%' }, { name: 'c', share: '33.4%' }]);
      expect(counts.reduce((n, c) => n + c.count, 0)).toBe(total);
      expect(Math.max(...counts.map((c) => Math.abs(c.count - c.fraction * total)))).toBeLessThan(1);
    }
  });

  it('rounds in whole counts of each member: a two-VM member gets pairs, and the VMs still sum to the total', () => {
    const pair = { perCount: 2, fixed: 0 };
    // GIVEN quotas 5.5 / 3.3 / 2.2 VMs of 11, the second and third members two VMs per count
    const counts = mixCounts('f', 11, [{ name: 'a', share: 5 }, { name: 'b', share: 3, vms: pair }, { name: 'c', share: 2, vms: pair }]);
    // THEN a first gets 5, b one pair and c one pair (9 VMs); of the 2 left, b (remainder 1.3) takes a pair
    expect(counts.map((c) => [c.count, c.vms])).toEqual([[5, 5], [2, 4], [1, 2]]);
    for (let total = 20; total <= 400; total += 3) {
      const mix = mixCounts('f', total, [{ name: 'a', share: '10%' }, { name: 'b', share: '45%', vms: pair }, { name: 'c', share: '45%', vms: { perCount: 1, fixed: 1 } }]);
      expect(mix.reduce((n, c) => n + c.vms, 0)).toBe(total);
    }
  });

  it('fails when a member is listed twice or a share is not a share', () => {
    expect(() => mixCounts('f', 10, [{ name: 'a', share: 1 }, { name: 'a', share: 2 }])).toThrow('f.mix: member "a" is listed twice');
    expect(() => mixCounts('f', 10, [{ name: 'a', share: '0%' }])).toThrow(/^f\.mix\.a\.share: must be a percentage like "70%" .* got "0%"$/);
    expect(() => mixCounts('f', 10, [{ name: 'a', share: -1 }])).toThrow(/got -1$/);
  });
});

describe('matrixCells', () => {
  it('names cells from their values, first axis slowest', () => {
    const cells = matrixCells('m', [{ key: 'size', values: ['small', 'large'] }, { key: 'instancetype', values: ['u1.Medium'] }], 1);
    expect(cells.map((c) => c.name)).toEqual(['small-u1-medium', 'large-u1-medium']);
    expect(valueName('x', { storageClass: 'fast', accessModes: ['ReadWriteOnce'] })).toBe('fast-readwriteonce');
  });

  it('fails when two cells of different axes would get the same name', () => {
    expect(() => matrixCells('m', [{ key: 'a', values: ['x-y', 'x'] }, { key: 'b', values: ['z', 'y-z'] }], 1)).toThrow(
      'm: cells {a: "x-y", b: "z"} and {a: "x", b: "y-z"} would both be named "x-y-z"; give values whose names differ',
    );
  });
});
