import { ApiObject } from 'cdk8s';
// the generated Kubernetes L1 classes only: cdk8s-plus-28's index loads every L2 construct too (a tenth of a cold synth)
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { VirtworkError, show } from '../core/errors';
import { checkOneOf } from './placement';

/**
 * How a VM's cloud-init user-data (`<vm>-cloudinit`, key `userdata`) reaches the cluster:
 * - `secret`: a Secret in the manifests (the user-data holds no credentials: SSH keys are public, passwords hashed);
 * - `reference`: the VM references the Secret, but the manifests do not contain it: it is created out of band
 *   (`virtwork synth --secrets-out <dir>` writes the Secrets there, outside Git);
 * - `external-secret`: an External Secrets Operator `ExternalSecret` (external-secrets.io/v1) that creates the
 *   Secret from a secret store, so that Git holds no Secret at all;
 * - `sealed-secret`: a Bitnami `SealedSecret` (bitnami.com/v1alpha1), sealed at the edge with the controller's
 *   certificate by the `sealer` the options carry (`virtwork synth` makes one from `sealed-secrets-cert`).
 */
export const SECRET_MODES = ['secret', 'reference', 'external-secret', 'sealed-secret'] as const;
/** A user-data output mode. */
export type SecretMode = (typeof SECRET_MODES)[number];
/** Kinds of External Secrets Operator stores. */
export const SECRET_STORE_KINDS = ['SecretStore', 'ClusterSecretStore'] as const;
/** API version of the ExternalSecret virtwork emits. */
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';
/** API version of the SealedSecret virtwork emits. */
export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
/** Annotation of a SealedSecret: what was sealed (so that an unchanged Secret keeps its sealed bytes). */
export const ANNOTATION_SEALED_HASH = 'virtwork/sealed-hash';

/** What a sealer is asked to seal: one key of one Secret, with the strict (namespace + name) scope. */
export interface SealRequest {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret. */
  readonly key: string;
  /** The value to seal. */
  readonly plaintext: string;
}

/** A sealed value: the base64 ciphertext and the hash of what was sealed. */
export interface SealedValue {
  /** Base64 of kubeseal's hybrid ciphertext. */
  readonly encrypted: string;
  /** `sha256:<hex>` of what was sealed (certificate, scope, value). */
  readonly hash: string;
}

/** Seals a value (the edge's business: it needs the certificate and randomness). */
export type Sealer = (request: SealRequest) => SealedValue;

/** User-data output mode and, for `external-secret`, the store it comes from. */
export interface SecretModeOptions {
  /**
   * `secret`, `reference` or `external-secret`.
   * @default 'secret'
   */
  readonly mode?: SecretMode;
  /** `external-secret` only: name of the SecretStore / ClusterSecretStore (required there). */
  readonly secretStore?: string;
  /**
   * `external-secret` only: kind of the store.
   * @default 'ClusterSecretStore'
   */
  readonly secretStoreKind?: (typeof SECRET_STORE_KINDS)[number];
  /**
   * `external-secret` only: prefix of the remote key; the key of a VM is `<prefix><vm>-cloudinit`, property `userdata`.
   * @default 'virtwork/'
   */
  readonly remoteKeyPrefix?: string;
  /**
   * `external-secret` only: how often the operator re-reads the store.
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /** `sealed-secret` only (required there): seals the user-data; see lib/render/sealed-secrets.ts. */
  readonly sealer?: Sealer;
}

/** Everything the mode needs to know about the Secret. */
export interface UserDataSecretSpec {
  /** Secret name (`<vm>-cloudinit`). */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** Labels (virtwork's). */
  readonly labels: Readonly<Record<string, string>>;
  /** Key of the user-data in the Secret. */
  readonly key: string;
  /** The `#cloud-config` document. */
  readonly userData: string;
}

/** Checks the options; messages read `<where>: userDataSecret.<field>`. */
export function checkSecretMode(where: string, o: SecretModeOptions): SecretModeOptions {
  const at = `${where}: userDataSecret`;
  const mode = checkOneOf(`${at}.mode`, o.mode ?? 'secret', SECRET_MODES);
  const storeFields = (['secretStore', 'secretStoreKind', 'remoteKeyPrefix', 'refreshInterval'] as const).filter((k) => o[k] !== undefined);
  if (mode !== 'external-secret' && storeFields.length > 0) {
    throw new VirtworkError(`${at}: ${storeFields.join(', ')} apply only to mode "external-secret", not ${show(mode)}`);
  }
  if (mode === 'sealed-secret' && typeof o.sealer !== 'function') {
    throw new VirtworkError(`${at}: mode "sealed-secret" needs the Sealed Secrets controller's certificate: set sealed-secrets-cert ` +
      '(kubeseal --fetch-cert > sealed-secrets.pem), or give the sealer prop');
  }
  if (mode !== 'external-secret') return o;
  if (o.secretStore === undefined) throw new VirtworkError(`${at}.secretStore is required with mode "external-secret" (the SecretStore or ClusterSecretStore to read from)`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.secretStore) || o.secretStore.length > 253) {
    throw new VirtworkError(`${at}.secretStore must be a DNS-1123 subdomain (a store name), got ${show(o.secretStore)}`);
  }
  if (o.secretStoreKind !== undefined) checkOneOf(`${at}.secretStoreKind`, o.secretStoreKind, SECRET_STORE_KINDS);
  if (o.remoteKeyPrefix !== undefined && !/^[A-Za-z0-9_./-]{0,200}$/.test(o.remoteKeyPrefix)) {
    throw new VirtworkError(`${at}.remoteKeyPrefix may hold only letters, digits, '_', '.', '/', '-' (at most 200), got ${show(o.remoteKeyPrefix)}`);
  }
  if (o.refreshInterval !== undefined && !/^([0-9]+(ms|s|m|h))+$/.test(o.refreshInterval)) {
    throw new VirtworkError(`${at}.refreshInterval must be a duration like 1h, 30m or 1h30m, got ${show(o.refreshInterval)}`);
  }
  return o;
}

/**
 * Adds the object the mode puts in the manifests: a Secret (`secret`), an ExternalSecret (`external-secret`), or
 * nothing (`reference`). Returns it, for annotations.
 */
export function addUserDataObject(scope: Construct, id: string, o: SecretModeOptions, s: UserDataSecretSpec): ApiObject | undefined {
  switch (o.mode ?? 'secret') {
    case 'secret':
      return new k8s.KubeSecret(scope, id, {
        metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels } },
        type: 'Opaque',
        stringData: { [s.key]: s.userData },
      });
    case 'external-secret':
      return new _SecretTemplateObject(scope, id, externalSecretManifest(o, s));
    case 'sealed-secret':
      return new _SecretTemplateObject(scope, id, sealedSecretManifest(o.sealer!, s));
    default:
      return undefined;
  }
}

/**
 * An ExternalSecret or SealedSecret whose Secret template carries the annotations of the object itself (provenance,
 * sync wave, whatever is added later), so that the Secret its controller creates is the one plain mode would have
 * written. Annotations that describe the wrapper only (ANNOTATION_SEALED_HASH) stay on the wrapper.
 */
class _SecretTemplateObject extends ApiObject {
  public toJson(): any {
    const json = super.toJson();
    const annotations: Record<string, string> = { ...json.metadata?.annotations };
    delete annotations[ANNOTATION_SEALED_HASH];
    const template = json.spec?.target?.template ?? json.spec?.template;
    if (template && Object.keys(annotations).length > 0) template.metadata = { ...template.metadata, annotations };
    return json;
  }
}

/** The ExternalSecret that makes the operator create the `<vm>-cloudinit` Secret, labelled like virtwork's own. */
export function externalSecretManifest(o: SecretModeOptions, s: UserDataSecretSpec) {
  return {
    apiVersion: EXTERNAL_SECRET_API_VERSION,
    kind: 'ExternalSecret',
    metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels } },
    spec: {
      refreshInterval: o.refreshInterval ?? '1h',
      secretStoreRef: { kind: o.secretStoreKind ?? 'ClusterSecretStore', name: o.secretStore ?? '' },
      target: {
        name: s.name,
        creationPolicy: 'Owner',
        template: { type: 'Opaque', metadata: { labels: { ...s.labels } } },
      },
      data: [{ secretKey: s.key, remoteRef: { key: `${o.remoteKeyPrefix ?? 'virtwork/'}${s.name}`, property: s.key } }],
    },
  };
}

/** The SealedSecret (strict scope) from which the controller makes the `<vm>-cloudinit` Secret, labelled like virtwork's. */
export function sealedSecretManifest(sealer: Sealer, s: UserDataSecretSpec) {
  const sealed = sealer({ namespace: s.namespace, name: s.name, key: s.key, plaintext: s.userData });
  return {
    apiVersion: SEALED_SECRET_API_VERSION,
    kind: 'SealedSecret',
    metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels }, annotations: { [ANNOTATION_SEALED_HASH]: sealed.hash } },
    spec: {
      encryptedData: { [s.key]: sealed.encrypted },
      template: { type: 'Opaque', metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels } } },
    },
  };
}

/**
 * The plain Secret manifest of the user-data, for modes that keep it out of the manifests: `virtwork synth
 * --secrets-out <dir>` writes it there, to be applied (or pushed to the secret store) out of band.
 */
export function plainSecretManifest(s: UserDataSecretSpec) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels } },
    type: 'Opaque',
    stringData: { [s.key]: s.userData },
  };
}
