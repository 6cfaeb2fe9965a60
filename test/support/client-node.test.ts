import * as k8s from '@kubernetes/client-node';

describe('client-node under jest', () => {
  it('loads the ESM-only module through the native-require shim', () => {
    const kc = new k8s.KubeConfig();
    expect(typeof kc.makeApiClient).toBe('function');
    expect(typeof k8s.KubernetesObjectApi.makeApiClient).toBe('function');
  });
});
