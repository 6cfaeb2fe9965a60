import { contains, unchanged } from '../../lib/cluster/field-ownership';

describe('contains', () => {
  it('matches a subset of keys, arrays item by item with the same length, scalars by value', () => {
    expect(contains({ a: 1, b: { c: 'x', d: [1, { e: 2, f: 3 }] }, g: 0 }, { b: { d: [1, { e: 2 }] } })).toBe(true);
    expect(contains({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(contains({ a: '2' }, { a: 2 })).toBe(false);
    expect(contains({ a: null }, { a: {} })).toBe(false);
  });
});

describe('unchanged', () => {
  const managed = (fields: object) => [{ manager: 'virtwork', operation: 'Apply', fieldsV1: fields }];
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { a: 'b' } }, stringData: { userdata: '#cloud-config\n' } };
  const stored = (rv: string, fields: object = { 'f:data': {} }, extra: object = {}) => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', resourceVersion: rv, labels: { a: 'b' }, managedFields: managed(fields), ...extra },
    data: { userdata: Buffer.from('#cloud-config\n').toString('base64') },
  });

  it('is true when the resourceVersion did not move', () => {
    expect(unchanged(secret, stored('1'), stored('1'))).toBe(true);
  });

  it('is true when another writer moved the resourceVersion but the object already held the manifest (stringData as data)', () => {
    expect(unchanged(secret, stored('1'), stored('2', { 'f:data': {} }, { annotations: { x: 'y' } }))).toBe(true);
  });

  it('is false when a value differed', () => {
    const other = { ...secret, stringData: { userdata: 'other' } };
    expect(unchanged(other, stored('1'), stored('2'))).toBe(false);
  });

  it('is false when the set of fields virtwork owns changed (a field was dropped from the manifest)', () => {
    expect(unchanged(secret, stored('1', { 'f:data': {}, 'f:metadata': { 'f:annotations': {} } }), stored('2'))).toBe(false);
  });
});
