import { KeyObject, X509Certificate, constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { VirtworkError, show } from '../core/errors';
import { ANNOTATION_SEALED_HASH, SealRequest, SealedValue, Sealer } from '../vm/secret-modes';
import type { SynthInput } from './synth';

// The edge of the `sealed-secret` user-data mode: reading the controller's certificate and the previous output,
// and sealing with randomness. Constructs only call the Sealer they are given.

/** Reads the Sealed Secrets controller's certificate (PEM, as `kubeseal --fetch-cert` prints it). */
export function readSealingCert(path: string, where: string): X509Certificate {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VirtworkError(`${where}: cannot read the Sealed Secrets certificate ${show(path)}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  }
  try {
    const cert = new X509Certificate(pem);
    if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    return cert;
  } catch (err) {
    throw new VirtworkError(`${where}: ${show(path)} is not the PEM certificate of a Sealed Secrets controller (kubeseal --fetch-cert): ${(err as Error).message}`);
  }
}

/**
 * kubeseal's hybrid encryption: a fresh AES-256-GCM session key (zero nonce: the key is used once) encrypts the
 * value, RSA-OAEP (SHA-256, with `label`) encrypts the key; the result is `uint16 length of the RSA part || RSA
 * part || AES-GCM ciphertext and tag`.
 */
export function kubesealEncrypt(publicKey: KeyObject, label: string, plaintext: Buffer, random: (n: number) => Buffer = randomBytes): Buffer {
  const sessionKey = random(32);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) }, sessionKey);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  const aes = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  return Buffer.concat([length, rsa, aes.update(plaintext), aes.final(), aes.getAuthTag()]);
}

/** What identifies a sealed value: the certificate, the scope and the plaintext (`sha256:<hex>`). */
export function sealHash(cert: X509Certificate, r: SealRequest): string {
  const digest = createHash('sha256').update([cert.fingerprint256, r.namespace, r.name, r.key, r.plaintext].join('\0')).digest('hex');
  return `sha256:${digest}`;
}

/** The sealed values of the SealedSecrets already in a manifest directory (by `namespace/name/key`); none when absent. */
export function previousSealedValues(dir: string): Map<string, SealedValue> {
  const found = new Map<string, SealedValue>();
  if (!existsSync(dir)) return found;
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; spec?: { encryptedData?: Record<string, string> } } | null;
      const hash = obj?.metadata?.annotations?.[ANNOTATION_SEALED_HASH];
      if (obj?.kind !== 'SealedSecret' || hash === undefined) continue;
      for (const [key, encrypted] of Object.entries(obj.spec?.encryptedData ?? {})) {
        found.set(`${obj.metadata?.namespace}/${obj.metadata?.name}/${key}`, { encrypted, hash });
      }
    }
  }
  return found;
}

/**
 * A Sealer with the strict scope (`namespace/name` as the OAEP label, as kubeseal does by default). A value whose
 * hash matches the one already in the output keeps its sealed bytes, so re-synthesizing an unchanged configuration
 * leaves the manifests byte-identical; anything else is sealed afresh (sealing is randomized).
 */
export function makeSealer(cert: X509Certificate, previous: ReadonlyMap<string, SealedValue> = new Map()): Sealer {
  return (r) => {
    const hash = sealHash(cert, r);
    const before = previous.get(`${r.namespace}/${r.name}/${r.key}`);
    if (before?.hash === hash) return before;
    const encrypted = kubesealEncrypt(cert.publicKey, `${r.namespace}/${r.name}`, Buffer.from(r.plaintext, 'utf8')).toString('base64');
    return { encrypted, hash };
  };
}

/** `input` with `sealer` given to every workload whose user-data mode is `sealed-secret`. */
export function withSealer(input: SynthInput, sealer: Sealer): SynthInput {
  const sealed = <T extends { vm?: SynthInput['vm'] }>(x: T): T =>
    x.vm?.userDataSecret?.mode === 'sealed-secret' ? { ...x, vm: { ...x.vm, userDataSecret: { ...x.vm.userDataSecret, sealer } } } : x;
  return { ...sealed(input), workloads: input.workloads.map(sealed) };
}
