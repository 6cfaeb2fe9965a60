import { parseAllDocuments } from 'yaml';
import { ARGOCD_FILE, FLUX_FILE, PLACEHOLDER_REPO_URL, gitopsFiles } from '../../lib/gitops-files';

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
        source: { repoURL: 'https://github.com/acme/cluster-load.git', targetRevision: 'main', path: 'envs/prod/dist' },
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
  });

  it.each([
    ['HEAD', { branch: 'main' }],
    ['refs/tags/v1.2', { name: 'refs/tags/v1.2' }],
    ['0123456789abcdef0123456789abcdef01234567', { commit: '0123456789abcdef0123456789abcdef01234567' }],
  ])('follows revision %s in Flux as %j', (revision, ref) => {
    expect(docs(gitopsFiles({ namespace: 'n', revision }).get(FLUX_FILE)!)[0].spec.ref).toEqual(ref);
  });

  it('says so in the files when the repository URL is still the placeholder', () => {
    const files = gitopsFiles({ namespace: 'n' });
    for (const text of files.values()) {
      expect(text).toContain('# Set gitops-repo-url in virtwork.yaml');
      expect(text).toContain(PLACEHOLDER_REPO_URL);
    }
  });

  it.each([
    [{ repoUrl: 'file:///etc/passwd' }, 'gitops repository URL must be an https://, ssh:// or git@host:path URL, got "file:///etc/passwd"'],
    [{ path: '../outside' }, 'gitops path must be a relative path inside the repository, got "../outside"'],
    [{ path: '/abs' }, 'gitops path must be a relative path inside the repository, got "/abs"'],
    [{ revision: 'main; rm -rf /' }, 'gitops revision must be a branch, tag or commit, got "main; rm -rf /"'],
  ])('fails when given %j', (o, message) => {
    expect(() => gitopsFiles({ namespace: 'n', ...o })).toThrow(message);
  });
});
