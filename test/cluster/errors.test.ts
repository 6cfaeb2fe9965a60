import * as k8s from '@kubernetes/client-node';
import { describeError, transportCode } from '../../lib/cluster/_errors';

describe('describeError', () => {
  it('gives the server\'s message, with a word for common statuses', () => {
    const forbidden = new k8s.ApiException(403, 'x', JSON.stringify({ message: 'secrets "s" is forbidden: User "u" cannot patch resource "secrets"' }), {});
    expect(describeError(forbidden)).toBe('forbidden: secrets "s" is forbidden: User "u" cannot patch resource "secrets"');
    const conflict = new k8s.ApiException(409, 'x', { message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.runStrategy' }, {});
    expect(describeError(conflict)).toBe('conflict: Apply failed with 1 conflict: conflict with "kubectl": .spec.runStrategy');
  });

  it('names what happened to the connection', () => {
    const refused = Object.assign(new Error('request to https://h/api failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('connection refused (request to https://h/api failed, reason: connect ECONNREFUSED 127.0.0.1:1)');
    expect(describeError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('request timed out');
  });

  it('finds the code of a wrapped transport error', () => {
    expect(transportCode(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) }))).toBe('ECONNRESET');
  });
});
