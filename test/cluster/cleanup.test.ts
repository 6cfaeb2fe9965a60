import { cleanupSelector, refusal } from '../../lib/cluster/cleanup';

describe('cleanup safety (refusal, checked again before every delete)', () => {
  const plan = { namespace: 'load', selector: cleanupSelector('run-1') };
  const obj = (namespace: string, labels: Record<string, string>, uid: string | null = 'u-1') => ({ metadata: { name: 'x', namespace, labels, uid: uid ?? undefined } });
  const ours = { 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'run-1' };

  it('selects managed-by, and the run id when given', () => {
    expect(cleanupSelector()).toEqual({ 'app.kubernetes.io/managed-by': 'virtwork' });
    expect(cleanupSelector('run-1')).toEqual(ours);
  });

  it.each([
    ['an object of the run, in the namespace', obj('load', ours), undefined],
    ['an object without virtwork\'s label', obj('load', { 'virtwork/run-id': 'run-1' }), 'it does not carry app.kubernetes.io/managed-by=virtwork'],
    ['an object with another manager', obj('load', { ...ours, 'app.kubernetes.io/managed-by': 'helm' }), 'it does not carry app.kubernetes.io/managed-by=virtwork'],
    ['an object of another run', obj('load', { ...ours, 'virtwork/run-id': 'run-2' }), 'it does not carry virtwork/run-id=run-1'],
    ['an object in another namespace', obj('default', ours), 'it is in namespace "default", not "load"'],
    ['an object without uid', obj('load', ours, null), 'it has no uid to delete it by'],
  ])('%s: %p', (_, object, why) => {
    expect(refusal(object, plan)).toBe(why);
  });
});
