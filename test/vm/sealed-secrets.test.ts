import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runSynth } from '../../lib/cli/synth-command';
import { runValidate } from '../../lib/cli/validate-command';
import { kubesealEncrypt, makeSealer, previousSealedValues, readSealingCert } from '../../lib/render/sealed-secrets';
import { scratch, writeFiles } from '../cli/_run';
import { SYNC_WAVE_ANNOTATION, synthesize } from '../../lib/render/synth';
import { ANNOTATION_PARAMS_HASH, ANNOTATION_VERSION } from '../../lib/vm/provenance';
import { plainSecretView, secretFromExternalSecret, secretFromSealedSecret, unseal } from '../support/secret-controllers';
import { K8sObject, hasCommand, parseManifests, schemaProblems } from '../support/validators';

const missing = hasCommand('openssl') ? undefined : 'openssl is not installed';
// skipped only where openssl is missing (the reason is in the suite's name); CI installs it
(missing ? describe.skip : describe)(`sealed-secret user-data mode${missing ? ` (${missing})` : ''}`, () => {
  let dir: string;
  let cleanup: () => void;
  let cert: X509Certificate;
  let key: string;
  beforeAll(() => {
    // GIVEN a controller key pair, as the Sealed Secrets controller keeps it (its certificate is what kubeseal fetches)
    ({ dir, cleanup } = scratch());
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=sealed-secret', '-days', '2'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    cert = readSealingCert(join(dir, 'cert.pem'), 'test');
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
  });
  afterAll(() => cleanup());

  it('seals the way kubeseal does: the controller opens it with its key and the namespace/name label', () => {
    const sealed = kubesealEncrypt(cert.publicKey, 'load/virtwork-cpu-0-cloudinit', Buffer.from('#cloud-config\n'));
    expect(unseal(key, 'load/virtwork-cpu-0-cloudinit', sealed)).toBe('#cloud-config\n');
    // the strict scope: under another name it does not open
    expect(() => unseal(key, 'load/virtwork-cpu-1-cloudinit', sealed)).toThrow();
  });

  it('keeps the sealed bytes of an unchanged value and seals a changed one afresh', () => {
    const request = { namespace: 'load', name: 'virtwork-cpu-0-cloudinit', key: 'userdata', plaintext: '#cloud-config\n' };
    const first = makeSealer(cert)(request);
    expect(makeSealer(cert)(request).encrypted).not.toBe(first.encrypted); // sealing is randomized…
    const previous = new Map([['load/virtwork-cpu-0-cloudinit/userdata', first]]);
    expect(makeSealer(cert, previous)(request)).toEqual(first); // …so an unchanged value reuses what was committed
    const changed = makeSealer(cert, previous)({ ...request, plaintext: '#cloud-config\npackages: [fio]\n' });
    expect(changed.hash).not.toBe(first.hash);
    expect(unseal(key, 'load/virtwork-cpu-0-cloudinit', Buffer.from(changed.encrypted, 'base64'))).toBe('#cloud-config\npackages: [fio]\n');
  });

  it('synthesizes SealedSecrets instead of Secrets, byte-identical on an unchanged re-synth', () => {
    // WHEN the configuration asks for sealed user-data and synth runs twice
    writeFiles(dir, { 'virtwork.yaml': 'namespace: load\nuser-data-secret: sealed-secret\nsealed-secrets-cert: cert.pem\n' });
    const synth = (flags: Record<string, unknown> = {}) => runSynth({ workloads: ['cpu'], output: 'dist', ...flags }, { env: {}, cwd: dir });
    synth();
    const first = readFileSync(join(dir, 'dist', 'cpu.yaml'), 'utf8');
    synth();

    // THEN dist/ holds a SealedSecret (no Secret, no plaintext) that the controller opens into the user-data
    expect(readFileSync(join(dir, 'dist', 'cpu.yaml'), 'utf8')).toBe(first);
    const objs = parseManifests(first);
    expect(objs.map((o) => o.kind)).toEqual(['SealedSecret', 'VirtualMachine']);
    const sealed = objs[0];
    expect(sealed).toMatchObject({
      apiVersion: 'bitnami.com/v1alpha1',
      metadata: { name: 'virtwork-cpu-0-cloudinit', namespace: 'load', annotations: { 'virtwork/sealed-hash': expect.stringMatching(/^sha256:/) } },
      spec: { template: { type: 'Opaque', metadata: { labels: { 'app.kubernetes.io/managed-by': 'virtwork' } } } },
    });
    expect(first).not.toContain('stress-ng');
    expect(unseal(key, 'load/virtwork-cpu-0-cloudinit', Buffer.from(sealed.spec.encryptedData.userdata, 'base64'))).toMatch(/^#cloud-config\n(.*\n)*.*stress-ng/);

    // AND a param change re-seals only what changed, and the controller opens the new user-data
    synth({ params: ['cpu.cpu-load-percent=40'] });
    const changed = parseManifests(readFileSync(join(dir, 'dist', 'cpu.yaml'), 'utf8'))[0];
    expect(changed.spec.encryptedData.userdata).not.toBe(sealed.spec.encryptedData.userdata);
    expect(unseal(key, 'load/virtwork-cpu-0-cloudinit', Buffer.from(changed.spec.encryptedData.userdata, 'base64'))).toContain('--cpu-load 40');
    expect(previousSealedValues(join(dir, 'dist')).get('load/virtwork-cpu-0-cloudinit/userdata')?.encrypted).toBe(changed.spec.encryptedData.userdata);
    expect(readdirSync(dir).sort()).toEqual(['cert.pem', 'dist', 'key.pem', 'virtwork.yaml']);
  });

  it('makes the controllers create the very Secret plain mode writes: labels, annotations, type and data (issue 13, item 4)', () => {
    // GIVEN one configuration with provenance annotations, synthesized in the three modes that put an object in dist/
    const synthIn = (userDataSecret: Record<string, unknown>): K8sObject[] => parseManifests(synthesize({
      namespace: 'load', runId: 'r1', version: '1.2.3', workloads: [{ name: 'cpu', vmCount: 2 }], vm: { userDataSecret } as never,
    }).get('cpu.yaml')!);
    const plain = synthIn({ mode: 'secret' }).filter((o) => o.kind === 'Secret');
    const sealed = synthIn({ mode: 'sealed-secret', sealer: makeSealer(cert) }).filter((o) => o.kind === 'SealedSecret');
    const external = synthIn({ mode: 'external-secret', secretStore: 'vault' }).filter((o) => o.kind === 'ExternalSecret');
    expect([plain.length, sealed.length, external.length]).toEqual([2, 2, 2]);
    // (the store holds what --secrets-out writes: the plain user-data under virtwork/<secret>, property userdata)
    const store = Object.fromEntries(plain.map((s) => [`virtwork/${s.metadata.name}`, { userdata: s.stringData.userdata }]));

    // WHEN the Sealed Secrets controller (real decryption with its key) and the External Secrets Operator (stand-in:
    // its documented Secret construction) make their Secrets
    // THEN each equals plain mode's Secret, provenance and sync-wave annotations included
    const expected = plain.map(plainSecretView);
    expect(expected[0].annotations).toEqual({ [ANNOTATION_VERSION]: '1.2.3', [ANNOTATION_PARAMS_HASH]: expect.stringMatching(/^sha256:/), [SYNC_WAVE_ANNOTATION]: '0' });
    expect(sealed.map((o) => secretFromSealedSecret(o, key))).toEqual(expected);
    expect(external.map((o) => secretFromExternalSecret(o, store))).toEqual(expected);
    // AND the wrapper-only annotation stays on the SealedSecret
    expect(sealed[0].spec.template.metadata.annotations).not.toHaveProperty('virtwork/sealed-hash');
    // AND the real CRDs (sealed-secrets v0.36.6, external-secrets v2.9.0) accept the objects
    expect([...sealed, ...external].flatMap(schemaProblems)).toEqual([]);
  });

  it('validates a sealed-secret configuration without writing anything', () => {
    writeFiles(dir, { 'virtwork.yaml': 'user-data-secret: sealed-secret\nsealed-secrets-cert: cert.pem\n' });
    const [config] = runValidate({ workloads: ['cpu'] }, { env: {}, cwd: dir }, []);
    expect(config).toMatchObject({ status: 'OK', subject: 'config' });
  });

  it.each([
    ['user-data-secret: sealed-secret\n', 'cpu: userDataSecret: mode "sealed-secret" needs the Sealed Secrets controller\'s certificate: set sealed-secrets-cert'],
    ['user-data-secret: sealed-secret\nsealed-secrets-cert: virtwork.yaml\n', 'virtwork.yaml: sealed-secrets-cert: "'],
    ['user-data-secret: sealed-secret\nsealed-secrets-cert: nowhere.pem\n', 'virtwork.yaml: sealed-secrets-cert: cannot read the Sealed Secrets certificate "'],
  ])('fails when the configuration is %j', (yaml, message) => {
    writeFiles(dir, { 'virtwork.yaml': yaml });
    expect(() => runSynth({ workloads: ['cpu'], output: 'dist-bad' }, { env: {}, cwd: dir })).toThrow(message);
  });
});
