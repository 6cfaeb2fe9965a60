import { applyRank, CLEANUP_KINDS, DEFAULT_CLUSTER_NAMESPACE, EMITTED_KINDS, plural, PRUNE_KINDS } from '../../lib/cluster/kinds';
import { groupOf } from '../../lib/cluster/manifests';
import { DEFAULT_NAMESPACE } from '../../lib/vm/virtual-machine';
import { synthesizeEveryKind } from './_every-kind';

const key = (k: { apiVersion: string; kind: string }) => `${groupOf(k.apiVersion) || 'core'}/${k.kind}`;

describe('kinds', () => {
  describe('the one table of kinds virtwork emits', () => {
    // GIVEN every object synthesis emits with every option that adds a kind
    const emitted = synthesizeEveryKind();

    it('holds every kind (group and kind) that synthesis can emit', () => {
      const table = new Set(EMITTED_KINDS.map(key));
      const missing = [...new Set(emitted.map((m) => key(m.object)))].filter((k) => !table.has(k)).sort();
      expect(missing).toEqual([]);
    });

    it('names the apiVersion synthesis emits for each kind', () => {
      const versions = new Map(EMITTED_KINDS.map((k) => [key(k), k.apiVersion]));
      const mismatched = [...new Set(emitted.map((m) => `${key(m.object)} ${m.object.apiVersion}`))]
        .filter((entry) => versions.get(entry.split(' ')[0]) !== entry.split(' ')[1]);
      expect(mismatched).toEqual([]);
    });

    it('the input really turns on every kind-adding option (the test above would pass vacuously otherwise)', () => {
      const kinds = new Set(emitted.map((m) => m.object.kind));
      expect([...kinds].sort()).toEqual(expect.arrayContaining([
        'Application', 'ConfigMap', 'ExternalSecret', 'GitRepository', 'Kustomization', 'Namespace', 'PrometheusRule', 'SealedSecret', 'Secret', 'Service',
        'VirtualMachine', 'VirtualMachineInstanceMigration',
      ]));
    });

    it('lists each kind once, and includes the kinds other engineers emit next (ConfigMap, PrometheusRule)', () => {
      expect(new Set(EMITTED_KINDS.map(key)).size).toBe(EMITTED_KINDS.length);
      expect(EMITTED_KINDS.map(key)).toEqual(expect.arrayContaining(['core/ConfigMap', 'monitoring.coreos.com/PrometheusRule']));
      expect(EMITTED_KINDS.find((k) => k.kind === 'ExternalSecret')?.apiVersion).toBe('external-secrets.io/v1');
    });
  });

  it('cleans up and prunes every namespaced kind virtwork makes (the GitOps files and Namespace aside)', () => {
    expect(CLEANUP_KINDS.map((k) => k.kind)).toEqual([
      'VirtualMachineInstanceMigration', 'VirtualMachine', 'PrometheusRule', 'Service', 'ConfigMap', 'ExternalSecret', 'SealedSecret', 'Secret',
      'DataVolume', 'PersistentVolumeClaim',
    ]);
    expect(PRUNE_KINDS.map((k) => k.kind)).toEqual(['VirtualMachineInstanceMigration', 'VirtualMachine', 'PrometheusRule', 'Service', 'ConfigMap', 'ExternalSecret', 'SealedSecret', 'Secret']);
    for (const kept of EMITTED_KINDS.filter((k) => k.cleanup === 'keep')) expect([kept.kind, kept.note]).toEqual([kept.kind, expect.any(String)]);
  });

  it('deletes an ExternalSecret and a SealedSecret before the Secret their controllers would re-create', () => {
    const at = (kind: string) => CLEANUP_KINDS.findIndex((k) => k.kind === kind);
    expect(at('ExternalSecret')).toBeLessThan(at('Secret'));
    expect(at('SealedSecret')).toBeLessThan(at('Secret'));
    expect(at('DataVolume')).toBeLessThan(at('PersistentVolumeClaim'));
  });

  it('applies Namespace, then Secrets and Services, then DataVolumes, then VirtualMachines, then any other kind', () => {
    const kinds = ['VirtualMachineInstanceMigration', 'VirtualMachine', 'Secret', 'DataVolume', 'Service', 'Namespace', 'ExternalSecret'];
    expect([...kinds].sort((a, b) => applyRank(a) - applyRank(b))).toEqual(['Namespace', 'Secret', 'Service', 'ExternalSecret', 'DataVolume', 'VirtualMachine', 'VirtualMachineInstanceMigration']);
    expect(applyRank('Frobnicator')).toBe(applyRank('VirtualMachineInstanceMigration'));
  });

  it('defaults to the namespace virtwork synth writes', () => {
    expect(DEFAULT_CLUSTER_NAMESPACE).toBe(DEFAULT_NAMESPACE);
  });

  it('names kinds in the plural for messages', () => {
    expect(['Secret', 'Service', 'VirtualMachine', 'Ingress'].map(plural)).toEqual(['Secrets', 'Services', 'VirtualMachines', 'Ingresses']);
  });
});
