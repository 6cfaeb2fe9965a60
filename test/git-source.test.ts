import { GIT_URL_FORMS, checkGitUrl, fluxGitUrl, parseRevision } from '../lib/render/git-source';

describe('git source', () => {
  it.each([
    ['HEAD', { kind: 'head' }],
    ['main', { kind: 'branch', name: 'main' }],
    ['v1.2.3', { kind: 'tag', name: 'v1.2.3' }],
    ['2.0.0-rc.1', { kind: 'tag', name: '2.0.0-rc.1' }],
    ['v1.2', { kind: 'branch', name: 'v1.2' }],
    ['refs/tags/nightly', { kind: 'tag', name: 'nightly' }],
    ['refs/heads/v1.2.3', { kind: 'branch', name: 'v1.2.3' }],
    ['refs/pull/42/head', { kind: 'ref', name: 'refs/pull/42/head' }],
    ['a'.repeat(40), { kind: 'commit', name: 'a'.repeat(40) }],
    ['ABCDEF0123456789ABCDEF0123456789ABCDEF01', { kind: 'branch', name: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }],
  ])('reads revision %s as %j', (revision, expected) => {
    expect(parseRevision('rev', revision)).toEqual(expected);
  });

  it.each(['', '-x', 'a b', 'main..x', 'x/', 'x.lock', 'a;b', 'ref$(id)'])('fails when the revision is %j', (revision) => {
    expect(() => parseRevision('gitops-revision', revision)).toThrow(`gitops-revision must be HEAD, a branch (or refs/heads/<branch>), a tag`);
  });

  it.each([
    ['git@github.com:acme/load.git', 'ssh://git@github.com/acme/load.git'],
    ['git@github.com:/abs/load.git', 'ssh://git@github.com/abs/load.git'],
    ['https://github.com/acme/load.git', 'https://github.com/acme/load.git'],
    ['ssh://git@h:2222/r.git', 'ssh://git@h:2222/r.git'],
  ])('writes %s for Flux as %s', (url, flux) => {
    expect(fluxGitUrl(checkGitUrl('url', url))).toBe(flux);
  });

  it.each(['file:///etc/passwd', 'github.com/acme/load', 'git@github.com', 'https://github.com', 'git@host://x', 'ftp://h/r'])('fails when the URL is %j, listing every form', (url) => {
    expect(() => checkGitUrl('gitops-repo-url', url)).toThrow(`gitops-repo-url must be one of ${GIT_URL_FORMS}, got "${url}"`);
  });
});
