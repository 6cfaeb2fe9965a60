import { constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import { K8sObject } from './validators';

/** A Secret reduced to what a consumer sees: metadata virtwork sets, type, and the decoded data. */
export interface SecretView {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly type: string;
  readonly data: Record<string, string>;
}

/** The view of a plain Secret manifest (stringData or base64 data). */
export function plainSecretView(s: K8sObject): SecretView {
  const data: Record<string, string> = { ...s.stringData };
  for (const [k, v] of Object.entries<string>(s.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
  return { name: s.metadata.name, namespace: s.metadata.namespace, labels: s.metadata.labels ?? {}, annotations: s.metadata.annotations ?? {}, type: s.type ?? 'Opaque', data };
}

/** kubeseal's HybridDecrypt, as the Sealed Secrets controller runs it (real crypto, with the controller's key). */
export function unseal(privateKeyPem: string, label: string, sealed: Buffer): string {
  const rsaLength = sealed.readUInt16BE(0);
  const sessionKey = privateDecrypt({ key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) },
    sealed.subarray(2, 2 + rsaLength));
  const body = sealed.subarray(2 + rsaLength);
  const aes = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  aes.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([aes.update(body.subarray(0, body.length - 16)), aes.final()]).toString('utf8');
}

/**
 * Stand-in for the Sealed Secrets controller's Secret construction (its `Unseal`): metadata from
 * `spec.template.metadata` with the SealedSecret's name and namespace, type from the template, data decrypted with the
 * strict (namespace/name) label. The ownerReference the controller adds is left out (it is the controller's).
 */
export function secretFromSealedSecret(ss: K8sObject, privateKeyPem: string): SecretView {
  const { name, namespace } = ss.metadata;
  const meta = ss.spec.template?.metadata ?? {};
  const data = Object.fromEntries(Object.entries<string>(ss.spec.encryptedData)
    .map(([k, v]) => [k, unseal(privateKeyPem, `${namespace}/${name}`, Buffer.from(v, 'base64'))]));
  return { name, namespace, labels: meta.labels ?? {}, annotations: meta.annotations ?? {}, type: ss.spec.template?.type ?? 'Opaque', data };
}

/**
 * Stand-in for the External Secrets Operator's Secret construction: name `spec.target.name` (else the
 * ExternalSecret's), labels and annotations from `spec.target.template.metadata`, type from the template, and each
 * `data[]` entry read from `store` (remote key → property → value). The operator's own bookkeeping label and
 * annotation (`reconcile.external-secrets.io/…`) and the ownerReference are left out.
 */
export function secretFromExternalSecret(es: K8sObject, store: Readonly<Record<string, Readonly<Record<string, string>>>>): SecretView {
  const template = es.spec.target?.template ?? {};
  const data = Object.fromEntries((es.spec.data as { secretKey: string; remoteRef: { key: string; property: string } }[])
    .map((d) => [d.secretKey, store[d.remoteRef.key]?.[d.remoteRef.property]]));
  return {
    name: es.spec.target?.name ?? es.metadata.name,
    namespace: es.metadata.namespace,
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    type: template.type ?? 'Opaque',
    data,
  };
}
