import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, kubeconfigFiles } from '../../lib/cluster/kubeconfig';
import { scratchDir } from './_run';

/** A kubeconfig with one cluster, user and context per name; `current` is its current context. */
function kubeconfig(names: string[], current: string | undefined, server = (n: string) => `https://${n}.example:6443`): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', ...(current ? { 'current-context': current } : {}),
    clusters: names.map((n) => ({ name: n, cluster: { server: server(n), 'insecure-skip-tls-verify': true } })),
    users: names.map((n) => ({ name: n, user: { token: `token-${n}` } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n, namespace: `ns-${n}` } })),
  });
}

describe('connect', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('kubeconfig');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('merges a ":"-separated KUBECONFIG list like kubectl: the first file that names a context or sets current-context wins', () => {
    // GIVEN two files that both define "shared", and the first one without a current context
    const a = file('a', kubeconfig(['shared', 'one'], undefined, (n) => `https://a-${n}.example`));
    const b = file('b', kubeconfig(['shared', 'two'], 'two', (n) => `https://b-${n}.example`));

    // WHEN connecting with the list in KUBECONFIG
    const cluster = connect({ env: { KUBECONFIG: `${a}:${b}` } });

    // THEN the current context is the second file's, and "shared" is the first file's
    expect([cluster.context, cluster.server, cluster.contextNamespace]).toEqual(['two', 'https://b-two.example', 'ns-two']);
    expect(connect({ env: { KUBECONFIG: `${a}:${b}` }, context: 'shared' }).server).toBe('https://a-shared.example');
    expect(connect({ env: {}, kubeconfig: `${a}:${b}`, context: 'one' }).server).toBe('https://a-one.example');
  });

  it('skips missing entries of a list, as kubectl does', () => {
    const a = file('a', kubeconfig(['one'], 'one'));
    expect(kubeconfigFiles(`${path.join(dir, 'missing')}:${a}`, {})).toEqual([a]);
  });

  it('reads ~/.kube/config when nothing else is given', () => {
    fs.mkdirSync(path.join(dir, '.kube'));
    file('.kube/config', kubeconfig(['home'], 'home'));
    expect(connect({ env: { HOME: dir } }).context).toBe('home');
  });

  it('fails when --kubeconfig names no existing file', () => {
    expect(() => connect({ kubeconfig: path.join(dir, 'nope'), env: {} })).toThrow(`--kubeconfig: no such file "${path.join(dir, 'nope')}"`);
  });

  it('fails when there is no kubeconfig at all', () => {
    expect(() => connect({ env: { HOME: dir } })).toThrow('no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
  });

  it('fails when the context does not exist, suggesting the closest', () => {
    const a = file('a', kubeconfig(['production', 'staging'], 'staging'));
    expect(() => connect({ kubeconfig: a, context: 'prodution', env: {} }))
      .toThrow(`--context: no context "prodution" in ${a} (did you mean "production"?); available: production, staging`);
  });

  it('fails when the file is not a kubeconfig', () => {
    const bad = file('bad', 'clusters: [oops');
    expect(() => connect({ kubeconfig: bad, env: {} })).toThrow(new RegExp(`^kubeconfig ${bad}: cannot be read: `));
  });

  it.each([
    ['a YAML error (client-node prints a code frame)', 'clusters: [\n  - name: x\n  :: garbage {{{\n'],
    ['binary junk', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, ...Array(4000).fill(0x41), 0x0a, 0x41]).toString('latin1')],
    ['a line longer than any message should quote', `clusters: [${'x'.repeat(50_000)}`],
  ])('fails on a garbage kubeconfig (%s) with one short line', (_what, text) => {
    const bad = file('garbage', text);
    let message = '';
    try {
      connect({ kubeconfig: bad, env: {} });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^kubeconfig ${bad}: cannot be read: \\S`));
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(bad.length + 300);
  });
});
