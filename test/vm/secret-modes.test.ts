import { checkSecretMode, externalSecretManifest, plainSecretManifest, sealedSecretManifest } from '../../lib/vm/secret-modes';

const spec = { name: 'virtwork-cpu-0-cloudinit', namespace: 'virtwork', labels: { 'app.kubernetes.io/managed-by': 'virtwork' }, key: 'userdata', userData: '#cloud-config\n' };

describe('secret modes', () => {
  it('builds the ExternalSecret from the store options, with defaults', () => {
    expect(externalSecretManifest({ mode: 'external-secret', secretStore: 'vault' }, spec).spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name: 'virtwork-cpu-0-cloudinit', creationPolicy: 'Owner', template: { type: 'Opaque', metadata: { labels: spec.labels } } },
      data: [{ secretKey: 'userdata', remoteRef: { key: 'virtwork/virtwork-cpu-0-cloudinit', property: 'userdata' } }],
    });
    const namespaced = externalSecretManifest({ mode: 'external-secret', secretStore: 's', secretStoreKind: 'SecretStore', refreshInterval: '15m' }, spec);
    expect(namespaced.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 's' });
    expect(namespaced.spec.refreshInterval).toBe('15m');
  });

  it('builds the SealedSecret from what the sealer returns, with the strict scope (snapshot)', () => {
    // GIVEN a stand-in sealer (sealing itself is the edge's: lib/render/sealed-secrets.ts)
    const requests: unknown[] = [];
    const sealer = (r: unknown) => (requests.push(r), { encrypted: 'QUJD', hash: 'sha256:00' });
    const sealed = sealedSecretManifest(sealer, spec);
    expect(sealed).toMatchSnapshot();
    expect(requests).toEqual([{ namespace: 'virtwork', name: 'virtwork-cpu-0-cloudinit', key: 'userdata', plaintext: '#cloud-config\n' }]);
    expect(sealed.spec).toEqual({
      encryptedData: { userdata: 'QUJD' },
      template: { type: 'Opaque', metadata: { name: spec.name, namespace: 'virtwork', labels: spec.labels } },
    });
    expect(JSON.stringify(sealed)).not.toContain('#cloud-config');
  });

  it('keeps the plain Secret for out-of-band creation', () => {
    expect(plainSecretManifest(spec)).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: spec.name, namespace: 'virtwork', labels: spec.labels }, stringData: { userdata: '#cloud-config\n' },
    });
  });

  it.each([
    [{ mode: 'external-secret', secretStore: 'Vault Store' }, 'cpu: userDataSecret.secretStore must be a DNS-1123 subdomain (a store name), got "Vault Store"'],
    [{ mode: 'external-secret', secretStore: 'v', remoteKeyPrefix: 'a b/' }, 'cpu: userDataSecret.remoteKeyPrefix may hold only letters'],
    [{ mode: 'external-secret', secretStore: 'v', refreshInterval: 'hourly' }, 'cpu: userDataSecret.refreshInterval must be a duration like 1h, 30m or 1h30m, got "hourly"'],
    [{ mode: 'external-secret', secretStore: 'v', secretStoreKind: 'Store' }, 'cpu: userDataSecret.secretStoreKind must be one of SecretStore, ClusterSecretStore, got "Store"'],
    [{ mode: 'reference', remoteKeyPrefix: 'x/' }, 'cpu: userDataSecret: remoteKeyPrefix apply only to mode "external-secret", not "reference"'],
  ])('fails when the options are %j', (o, message) => {
    expect(() => checkSecretMode('cpu', o as any)).toThrow(message);
  });
});
