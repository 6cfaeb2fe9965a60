import { parseAllDocuments } from 'yaml';
import { ARGOCD_FILE, FLUX_FILE, PLACEHOLDER_REPO_URL, gitopsFiles } from '../../lib/render/gitops-files';
import { GIT_URL_FORMS } from '../../lib/render/git-source';
import { schemaProblems } from '../support/validators';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('gitopsFiles', () => {
  it('writes an Argo CD Application that syncs with server-side apply and ignores what KubeVirt defaults (snapshot)', () => {
    // WHEN the GitOps files are generated for a repository
    const files = gitopsFiles({ namespace: 'load', repoUrl: 'https://github.com/acme/cluster-load.git', revision: 'main', path: 'envs/prod/dist' });

    // THEN the Application points at the path and keeps VMs in sync
    expect(files.get(ARGOCD_FILE)).toMatchSnapshot();
    const [app] = docs(files.get(ARGOCD_FILE)!);
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
      metadata: { name: 'virtwork-load', namespace: 'argocd', annotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true' } },
      spec: {
        source: { repoURL: 'https://github.com/acme/cluster-load.git', targetRevision: 'refs/heads/main', path: 'envs/prod/dist' },
        destination: { namespace: 'load' },
        syncPolicy: { syncOptions: ['ServerSideApply=true', 'RespectIgnoreDifferences=true'] },
      },
    });
    expect(app.spec.ignoreDifferences).toEqual([{
      group: 'kubevirt.io', kind: 'VirtualMachine',
      jsonPointers: ['/spec/template/spec/domain/machine', '/spec/instancetype/revisionName', '/spec/preference/revisionName'],
      jqPathExpressions: ['.spec.template.metadata.creationTimestamp', '.spec.dataVolumeTemplates[]?.metadata.creationTimestamp'],
    }]);
    expect(files.get(ARGOCD_FILE)).not.toContain('app.kubernetes.io/instance');
    // AND the real Argo CD CRD (v3.5.1) accepts it
    expect(schemaProblems(app)).toEqual([]);
  });

  it('writes a Flux GitRepository and a Kustomization that waits for the VMs to be Ready (snapshot)', () => {
    const files = gitopsFiles({ namespace: 'load', repoUrl: 'ssh://git@github.com/acme/cluster-load.git', revision: 'main' });
    expect(files.get(FLUX_FILE)).toMatchSnapshot();
    const [repo, ks] = docs(files.get(FLUX_FILE)!);
    expect(repo).toMatchObject({ kind: 'GitRepository', spec: { url: 'ssh://git@github.com/acme/cluster-load.git', ref: { branch: 'main' } } });
    expect(ks).toMatchObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization',
      spec: { sourceRef: { kind: 'GitRepository', name: 'virtwork-load' }, path: './dist', prune: true, wait: true },
    });
    // AND the real Flux CRDs (source-controller v1.9.1, kustomize-controller v1.9.4) accept both
    expect([repo, ks].flatMap(schemaProblems)).toEqual([]);
  });

  const SHA1 = '0123456789abcdef0123456789abcdef01234567';
  const SHA256 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  it.each([
    ['HEAD', 'HEAD', { branch: 'main' }],
    ['main', 'refs/heads/main', { branch: 'main' }],
    ['release/2026-q4', 'refs/heads/release/2026-q4', { branch: 'release/2026-q4' }],
    ['refs/heads/v1.2.3', 'refs/heads/v1.2.3', { branch: 'v1.2.3' }],
    ['v1.2.3', 'refs/tags/v1.2.3', { tag: 'v1.2.3' }],
    ['1.2.3-rc.1', 'refs/tags/1.2.3-rc.1', { tag: '1.2.3-rc.1' }],
    ['v1.2.3+build.5', 'refs/tags/v1.2.3+build.5', { tag: 'v1.2.3+build.5' }],
    ['refs/tags/v1.2', 'refs/tags/v1.2', { tag: 'v1.2' }],
    ['refs/tags/nightly', 'refs/tags/nightly', { tag: 'nightly' }],
    ['v1.2', 'refs/heads/v1.2', { branch: 'v1.2' }],
    [SHA1, SHA1, { commit: SHA1 }],
    [SHA256, SHA256, { commit: SHA256 }],
    ['refs/pull/42/head', 'refs/pull/42/head', { name: 'refs/pull/42/head' }],
  ])('follows revision %s as Argo CD targetRevision %s and Flux ref %j', (revision, targetRevision, ref) => {
    const files = gitopsFiles({ namespace: 'n', revision });
    const [app] = docs(files.get(ARGOCD_FILE)!);
    const [repo] = docs(files.get(FLUX_FILE)!);
    expect(app.spec.source.targetRevision).toBe(targetRevision);
    expect(repo.spec.ref).toEqual(ref);
    expect([app, repo].flatMap(schemaProblems)).toEqual([]);
  });

  it.each([
    ['git@github.com:acme/cluster-load.git', 'ssh://git@github.com/acme/cluster-load.git'],
    ['deploy@git.example.com:/srv/git/load.git', 'ssh://deploy@git.example.com/srv/git/load.git'],
    ['ssh://git@git.example.com:2222/acme/load.git', 'ssh://git@git.example.com:2222/acme/load.git'],
    ['http://git.lab.local/acme/load.git', 'http://git.lab.local/acme/load.git'],
  ])('writes repository %s as %s for Flux and as given for Argo CD', (repoUrl, fluxUrl) => {
    const files = gitopsFiles({ namespace: 'n', repoUrl });
    const [app] = docs(files.get(ARGOCD_FILE)!);
    const [repo] = docs(files.get(FLUX_FILE)!);
    expect(app.spec.source.repoURL).toBe(repoUrl);
    expect(repo.spec.url).toBe(fluxUrl);
    // the real GitRepository CRD's ^(http|https|ssh):// rule holds
    expect([app, repo].flatMap(schemaProblems)).toEqual([]);
  });

  it('says so in the files when the repository URL is still the placeholder', () => {
    const files = gitopsFiles({ namespace: 'n' });
    for (const text of files.values()) {
      expect(text).toContain('# Set gitops-repo-url in virtwork.yaml');
      expect(text).toContain(PLACEHOLDER_REPO_URL);
    }
  });

  it.each([
    [{ repoUrl: 'file:///etc/passwd' }, `gitops repository URL must be one of ${GIT_URL_FORMS}, got "file:///etc/passwd"`],
    [{ repoUrl: 'github.com/acme/load' }, 'gitops repository URL must be one of https://host/path, http://host/path, ssh://[user@]host[:port]/path or user@host:path'],
    [{ repoUrl: 'git@github.com' }, 'gitops repository URL must be one of'],
    [{ path: '../outside' }, 'gitops path must be a relative path inside the repository, got "../outside"'],
    [{ path: '/abs' }, 'gitops path must be a relative path inside the repository, got "/abs"'],
    [{ revision: 'main; rm -rf /' }, 'gitops revision must be HEAD, a branch (or refs/heads/<branch>), a tag (vX.Y.Z, or refs/tags/<tag>), a 40- or 64-hex commit, or another full ref refs/…; got "main; rm -rf /"'],
    [{ revision: 'main..other' }, 'gitops revision must be HEAD, a branch'],
    [{ revision: 'refs/tags/' }, 'gitops revision must be HEAD, a branch'],
  ])('fails when given %j', (o, message) => {
    expect(() => gitopsFiles({ namespace: 'n', ...o })).toThrow(message);
  });
});
