import { X509Certificate, constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runSynth } from '../../lib/cli/synth-command';
import { runValidate } from '../../lib/cli/validate-command';
import { kubesealEncrypt, makeSealer, previousSealedValues, readSealingCert } from '../../lib/sealed-secrets';
import { scratch, writeFiles } from '../cli/_run';
import { hasCommand, parseManifests } from '../support/validators';

/** kubeseal's HybridDecrypt, as the controller runs it. */
function unseal(privateKeyPem: string, label: string, sealed: Buffer): string {
  const rsaLength = sealed.readUInt16BE(0);
  const sessionKey = privateDecrypt({ key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) },
    sealed.subarray(2, 2 + rsaLength));
  const body = sealed.subarray(2 + rsaLength);
  const aes = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  aes.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([aes.update(body.subarray(0, body.length - 16)), aes.final()]).toString('utf8');
}

const missing = hasCommand('openssl') ? undefined : 'openssl is not installed';
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
