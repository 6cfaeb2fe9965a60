import { readinessProbeSpec } from '../../lib/vm/readiness';

describe('readinessProbeSpec', () => {
  it('fills in the cold-boot defaults and keeps overrides', () => {
    expect(readinessProbeSpec('vm', { command: ['true'], initialDelaySeconds: 300 })).toEqual({
      exec: { command: ['true'] }, initialDelaySeconds: 300, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 10,
    });
  });

  it('writes an httpGet probe for the health responder', () => {
    expect(readinessProbeSpec('vm', { httpGet: { port: 8099, path: '/virtwork/ready' } })).toEqual({
      httpGet: { path: '/virtwork/ready', port: 8099 }, initialDelaySeconds: 120, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 10,
    });
  });

  it.each([
    [{ httpGet: { port: 0, path: '/x' } }, 'vm: readinessProbe.httpGet.port must be an integer from 1 to 65535, got 0'],
    [{ httpGet: { port: 80, path: 'ready?x' } }, 'vm: readinessProbe.httpGet.path must be an absolute URL path (e.g. "/virtwork/ready"), got "ready?x"'],
    [{ command: [] }, 'vm: readinessProbe.command must be a non-empty argv of non-empty strings, got []'],
    [{ command: ['true'], failureThreshold: 0 }, 'vm: readinessProbe.failureThreshold must be an integer from 1 to 1000, got 0'],
    [{ command: ['true'], periodSeconds: 10, timeoutSeconds: 12 }, 'vm: readinessProbe.timeoutSeconds (12) must be less than periodSeconds (10)'],
  ])('fails when the probe is %j', (probe, message) => {
    expect(() => readinessProbeSpec('vm', probe)).toThrow(message);
  });
});
