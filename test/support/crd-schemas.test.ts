import { EMITTED_KINDS } from '../../lib/cluster/kinds';
import { gitopsFiles } from '../../lib/render/gitops-files';
import { synthesizeEveryKind } from '../cluster/_every-kind';
import { parseManifests, schemaProblems, K8sObject } from './validators';
import { crdServedVersions, crdValidator } from './crd-schemas';

/*
 * The validators every test uses on synthesized objects: the real openAPIV3Schema of each CRD in ../shared/crds
 * (KubeVirt, CDI, Argo CD, Flux, external-secrets, sealed-secrets, prometheus-operator), made strict like
 * `kubectl --validate=strict`; the core kinds through the strict subset of core-schemas.ts (a stand-in: the real API
 * server checks those in the integration tests). CEL rules (x-kubernetes-validations) are not evaluated here.
 */
const objects = synthesizeEveryKind().map((m) => m.object as unknown as K8sObject);
const kindKey = (o: { apiVersion: string; kind: string }) => `${o.apiVersion} ${o.kind}`;
const firstOf = (kind: string) => structuredClone(objects.find((o) => o.kind === kind)!);
const CORE = ['Namespace', 'Secret', 'Service', 'ConfigMap'];

describe('the real CRDs validate every object virtwork emits', () => {
  it('accepts every object synthesis and the GitOps files emit, each kind through its real CRD', () => {
    // GIVEN every kind synthesis can emit (test/cluster/_every-kind.ts turns on every option that adds one)
    const kinds = [...new Set(objects.map(kindKey))].sort();
    const fromSynth = EMITTED_KINDS.filter((k) => k.origin.startsWith('synth')).map(kindKey).sort();
    expect(kinds).toEqual(fromSynth);
    // THEN every non-core kind has a served version in the real CRDs, and every object passes
    for (const o of objects.filter((x) => !CORE.includes(x.kind))) expect([kindKey(o), crdValidator(o.apiVersion, o.kind) !== undefined]).toEqual([kindKey(o), true]);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  const breakers: [string, (o: K8sObject) => void, string][] = [
    ['VirtualMachine', (o) => { o.spec.template.spec.domain.cpu = { cores: 'two' }; }, '/spec/template/spec/domain/cpu/cores must be integer'],
    ['VirtualMachine', (o) => { o.spec.dataVolumeTemplates = [{ metadata: { name: 'x' }, spec: { storage: {}, sourcee: {} } }]; }, '(sourcee)'],
    ['VirtualMachineInstanceMigration', (o) => { delete o.spec.vmiName; o.spec.vmName = 'x'; }, '(vmName)'],
    ['ExternalSecret', (o) => { o.spec.target.creationPolicy = 'Sometimes'; }, '/spec/target/creationPolicy must be equal to one of the allowed values'],
    ['ExternalSecret', (o) => { o.apiVersion = 'external-secrets.io/v1beta1'; }, 'external-secrets.io/v1beta1 is not served by the CRD (served: v1)'],
    ['SealedSecret', (o) => { o.spec.encryptedData.userdata = 42; }, '/spec/encryptedData/userdata must be string'],
    ['Application', (o) => { o.spec.syncPolicy.automated.prune = 'yes'; }, '/spec/syncPolicy/automated/prune must be boolean'],
    ['GitRepository', (o) => { o.spec.url = 'git@github.com:acme/load.git'; }, '/spec/url must match pattern "^(http|https|ssh)://.*$"'],
    ['Kustomization', (o) => { o.spec.sourceRef.kind = 'GitRepo'; }, '/spec/sourceRef/kind must be equal to one of the allowed values'],
    ['PrometheusRule', (o) => { delete o.spec.groups[0].name; }, "/spec/groups/0 must have required property 'name'"],
    ['Secret', (o) => { o.metadata.labels['app.kubernetes.io/name'] = 'x'.repeat(64); }, 'must NOT have more than 63 characters'],
  ];
  const kinds = [...new Set(objects.map((o) => o.kind))].sort();

  it.each(kinds)('rejects an unknown field in a %s (strict, like kubectl --validate=strict)', (kind) => {
    const o = firstOf(kind);
    if (o.spec !== undefined) o.spec.virtworkUnknown = true;
    else o.virtworkUnknown = true;
    expect(schemaProblems(o)).toEqual(expect.arrayContaining([expect.stringContaining('(virtworkUnknown)')]));
  });

  it.each(breakers)('rejects a broken %s', (kind, breakIt, message) => {
    const o = firstOf(kind);
    expect(schemaProblems(o)).toEqual([]);
    breakIt(o);
    expect(schemaProblems(o)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('has a breaker of its own for every CRD kind virtwork emits', () => {
    const covered = new Set(breakers.map(([kind]) => kind));
    expect(kinds.filter((k) => !CORE.includes(k) && !covered.has(k))).toEqual([]);
  });

  it('knows which versions each CRD serves', () => {
    expect(crdServedVersions('external-secrets.io/v1beta1', 'ExternalSecret')).toEqual(['v1']);
    expect(crdServedVersions('kubevirt.io/v1', 'VirtualMachine')).toEqual(expect.arrayContaining(['v1']));
    expect(crdServedVersions('v1', 'Secret')).toBeUndefined();
  });

  it('accepts the GitRepository of an scp-like repository URL (written as ssh:// for Flux)', () => {
    const files = gitopsFiles({ namespace: 'load', repoUrl: 'git@github.com:acme/load.git', revision: 'v1.2.3' });
    const objs = [...files.values()].flatMap(parseManifests);
    expect(objs.map((o) => o.kind)).toEqual(['Application', 'GitRepository', 'Kustomization']);
    expect(objs.flatMap(schemaProblems)).toEqual([]);
  });
});
