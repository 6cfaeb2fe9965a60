import { boolKind, setting, textKind } from './setting';
import { GIT_REVISION_FORMS, GIT_REVISION_PATTERN, GIT_URL_FORMS, GIT_URL_PATTERN } from '../render/git-source';

const PATH = textKind({ pattern: /^[^\0\r\n]+$/, allowed: 'a directory path', type: 'path' });

/**
 * Where `virtwork synth` writes what goes beside the manifests: the GitOps files (Argo CD Application, Flux
 * Kustomization) and, for the out-of-band user-data modes, the Secrets to keep out of Git.
 */
export const OUTPUT_SETTINGS = {
  gitopsDir: setting(PATH, {
    key: 'gitops-dir', env: 'VIRTWORK_GITOPS_DIR', flag: '--gitops-dir <dir>',
    defaultDoc: 'none: no GitOps files (`gitops` beside `dist` is the usual choice)',
    description: 'Directory replaced with the Argo CD Application and Flux Kustomization that deploy the manifests (never inside them).',
  }),
  gitopsRepoUrl: setting(textKind({ pattern: GIT_URL_PATTERN, allowed: GIT_URL_FORMS, type: 'url' }), {
    key: 'gitops-repo-url', env: 'VIRTWORK_GITOPS_REPO_URL', flag: '--gitops-repo-url <url>', defaultDoc: 'a placeholder to replace',
    description: 'Git repository the GitOps files point at (the one holding the manifests).',
  }),
  gitopsRevision: setting(textKind({ pattern: GIT_REVISION_PATTERN, allowed: GIT_REVISION_FORMS }), {
    key: 'gitops-revision', env: 'VIRTWORK_GITOPS_REVISION', flag: '--gitops-revision <rev>', default: 'HEAD',
    description: 'Revision the GitOps files follow (HEAD: the default branch for Argo CD, main for Flux); docs/gitops.md#revisions says how it is read.',
  }),
  gitopsPath: setting(textKind({ pattern: /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/, allowed: 'a relative path inside the repository' }), {
    key: 'gitops-path', env: 'VIRTWORK_GITOPS_PATH', flag: '--gitops-path <path>', default: 'dist',
    description: 'Path of the manifest directory inside the repository.',
  }),
  sealedSecretsCert: setting(textKind({ pattern: /^[^\0\r\n]+$/, allowed: 'a file path', type: 'path' }), {
    key: 'sealed-secrets-cert', env: 'VIRTWORK_SEALED_SECRETS_CERT', flag: '--sealed-secrets-cert <file>', defaultDoc: 'none',
    description: 'With user-data-secret sealed-secret: the Sealed Secrets controller\'s certificate (kubeseal --fetch-cert > cert.pem).',
  }),
  secretsOut: setting(PATH, {
    key: 'secrets-out', env: 'VIRTWORK_SECRETS_OUT', flag: '--secrets-out <dir>', defaultDoc: 'none',
    description: 'Directory replaced with the user-data Secrets that user-data-secret reference / external-secret keeps out of the manifests (keep it out of Git).',
  }),
  signals: setting(boolKind(), {
    key: 'signals', env: 'VIRTWORK_SIGNALS', flag: '--signals <true|false>', default: false,
    description: 'Adds signals.yaml to the manifests: a PrometheusRule (recording rules, VirtworkSignalMissing / VirtworkSignalFlat alerts), ' +
      'a Grafana dashboard ConfigMap and the signal contract that virtwork-apply check-signals reads (docs/signals.md).',
  }),
  signalsDir: setting(PATH, {
    key: 'signals-dir', env: 'VIRTWORK_SIGNALS_DIR', flag: '--signals-dir <dir>', defaultDoc: 'none',
    description: 'With signals: directory replaced with the Grafana dashboard as a plain JSON file and a kube-burner measure configuration (never inside the manifests).',
  }),
} as const;
