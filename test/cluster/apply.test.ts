import type * as k8s from '@kubernetes/client-node';
import { contains, unchanged, unchangedByDryRun } from '../../lib/cluster/field-ownership';

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

describe('unchangedByDryRun (a dry run answers the object as it would be, with the resourceVersion it has now)', () => {
  const managed = (fields: object, time: Date | string) => [{ manager: 'virtwork', operation: 'Apply', time, fieldsV1: fields }];
  /** A VM as the list answers it (no kind, no apiVersion; client-node's Dates) and as the dry run answers it (plain JSON). */
  const listed = (cores: number, extra: object = {}) => ({
    metadata: { name: 'vm', resourceVersion: '7', generation: 1, creationTimestamp: new Date('2026-12-04T21:00:00Z'), managedFields: managed({ 'f:spec': {} }, new Date('2026-12-04T21:00:00Z')) },
    spec: { template: { spec: { domain: { cpu: { cores } } } } }, status: { ready: false }, ...extra,
  }) as unknown as k8s.KubernetesObject;
  const answered = (cores: number, fields: object = { 'f:spec': {} }) => ({
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine',
    metadata: { generation: 2, managedFields: managed(fields, '2026-12-04T21:05:00Z'), resourceVersion: '7', name: 'vm', creationTimestamp: '2026-12-04T21:00:00Z' },
    status: { ready: true }, spec: { template: { spec: { domain: { cpu: { cores } } } } },
  }) as unknown as k8s.KubernetesObject;

  it('is true when only what every write moves differs (times, generation, key order, kind on list items, status)', () => {
    expect(unchangedByDryRun(listed(2), answered(2))).toBe(true);
  });

  it('is false when a value would change, though the resourceVersion is the same', () => {
    expect(unchangedByDryRun(listed(2), answered(3))).toBe(false);
  });

  it('is false when the set of fields virtwork owns would change', () => {
    expect(unchangedByDryRun(listed(2), answered(2, { 'f:spec': {}, 'f:metadata': {} }))).toBe(false);
  });

  it('is false when a field would appear or go', () => {
    expect(unchangedByDryRun(listed(2, { extra: 1 }), answered(2))).toBe(false);
  });
});
