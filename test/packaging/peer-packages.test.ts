import { CLUSTER_PEERS, missingPackages, missingPeersMessage } from '../../lib/cli/_peer-packages';

describe('missingPackages', () => {
  it('finds installed packages, ESM-only ones included, and reports the others', () => {
    // GIVEN the project's own node_modules, where the cluster peers are dev dependencies
    expect(missingPackages(CLUSTER_PEERS)).toEqual([]);
    expect(missingPackages(['cdk8s', 'no-such-package-virtwork-test'])).toEqual(['no-such-package-virtwork-test']);
  });

  it('says in one line what to install, with the declared ranges', () => {
    expect(missingPeersMessage('virtwork-apply', ['sql.js'], { 'sql.js': '^1.16.0' })).toBe(
      'virtwork-apply: needs sql.js (optional peer dependencies of virtwork, not installed with it): npm install sql.js@^1.16.0',
    );
    expect(missingPeersMessage('virtwork-apply', [])).toBeUndefined();
  });
});
