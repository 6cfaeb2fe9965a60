import { VirtworkError, show } from '../core/errors';

/**
 * The repository URL forms the GitOps files accept: `https://host/path`, `http://host/path`,
 * `ssh://[user@]host[:port]/path`, and the scp-like `user@host:path` that `git clone` takes. Argo CD accepts all four
 * as written; Flux accepts only URLs with a scheme, so the scp-like form is written as `ssh://user@host/path` for it.
 */
export const GIT_URL_FORMS = 'https://host/path, http://host/path, ssh://[user@]host[:port]/path or user@host:path (scp-like, written as ssh://user@host/path for Flux)';
/** Pattern of an accepted repository URL (see {@link GIT_URL_FORMS}). */
export const GIT_URL_PATTERN = /^(https?|ssh):\/\/[^\s/]+\/\S+$|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)\S+$/;
/** Pattern of an accepted revision: a branch, a tag, a commit or a full ref (see {@link parseRevision}). */
export const GIT_REVISION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_./+-]{0,254}$/;
/** What a revision may be, for messages. */
export const GIT_REVISION_FORMS = 'HEAD, a branch (or refs/heads/<branch>), a tag (vX.Y.Z, or refs/tags/<tag>), a 40- or 64-hex commit, or another full ref refs/…';

const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(\S+)$/;
const SEMVER_TAG = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** Checks a repository URL; the message lists every accepted form. */
export function checkGitUrl(where: string, url: string): string {
  if (!GIT_URL_PATTERN.test(url)) throw new VirtworkError(`${where} must be one of ${GIT_URL_FORMS}, got ${show(url)}`);
  return url;
}

/** The URL for Flux's GitRepository (`^(http|https|ssh)://`): the scp-like `user@host:path` becomes `ssh://user@host/path`. */
export function fluxGitUrl(url: string): string {
  const scp = SCP_LIKE.exec(url);
  if (!scp) return url;
  const [, user, host, path] = scp;
  return `ssh://${user}@${host}/${path.replace(/^\/+/, '')}`;
}

/** A revision, classified. */
export type GitRevision =
  | { readonly kind: 'head' }
  | { readonly kind: 'branch' | 'tag' | 'commit'; readonly name: string }
  | { readonly kind: 'ref'; readonly name: string };

/**
 * Classifies a revision. The rule (docs/gitops.md#revisions): `HEAD` is the remote's default branch; 40 or 64 hex
 * digits are a commit; `refs/heads/<b>` is branch b and `refs/tags/<t>` tag t; another `refs/…` is that full ref;
 * a semantic version with or without `v` (`v1.2.3`, `1.2.3-rc.1`) is a tag; anything else is a branch. A tag of
 * another shape is written `refs/tags/<tag>`, a branch that looks like a version `refs/heads/<branch>`.
 */
export function parseRevision(where: string, revision: string): GitRevision {
  if (!GIT_REVISION_PATTERN.test(revision) || revision.includes('..') || revision.endsWith('/') || revision.endsWith('.lock')) {
    throw new VirtworkError(`${where} must be ${GIT_REVISION_FORMS}; got ${show(revision)}`);
  }
  if (revision === 'HEAD') return { kind: 'head' };
  if (COMMIT.test(revision)) return { kind: 'commit', name: revision };
  for (const [prefix, kind] of [['refs/heads/', 'branch'], ['refs/tags/', 'tag']] as const) {
    if (revision.startsWith(prefix)) return { kind, name: revision.slice(prefix.length) };
  }
  if (revision.startsWith('refs/')) return { kind: 'ref', name: revision };
  return SEMVER_TAG.test(revision) ? { kind: 'tag', name: revision } : { kind: 'branch', name: revision };
}

/**
 * Argo CD's `targetRevision`: HEAD and commits as they are, branches and tags as full refs (`refs/heads/…`,
 * `refs/tags/…`), which Argo CD resolves exactly, so a branch and a tag of the same name cannot be confused.
 */
export function argoTargetRevision(r: GitRevision): string {
  switch (r.kind) {
    case 'head': return 'HEAD';
    case 'branch': return `refs/heads/${r.name}`;
    case 'tag': return `refs/tags/${r.name}`;
    default: return r.name;
  }
}

/** Flux's GitRepository `ref`: `branch`, `tag`, `commit` or `name` (a full ref); HEAD follows the `main` branch. */
export function fluxRef(r: GitRevision): Record<string, string> {
  switch (r.kind) {
    case 'head': return { branch: 'main' };
    case 'ref': return { name: r.name };
    default: return { [r.kind]: r.name };
  }
}
