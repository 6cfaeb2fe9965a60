import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runBin } from './_bin';
import { scratchDir } from './_run';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n';

describe('virtwork-apply apply reading a manifest directory (the real bin as a subprocess, no cluster needed)', () => {
  let dir: string;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = scratchDir('walkbin');
    // a kubeconfig naming a loopback port nobody listens on: the command fails fast once it gets that far
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'not-a-secret' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const apply = (target: string, ...more: string[]) => ['--kubeconfig', kubeconfig, '--no-audit', ...more, 'apply', target];
  const tree = (name: string): string => {
    const root = path.join(dir, name);
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'secret.yaml'), SECRET);
    return root;
  };

  it('a directory holding two links to itself is read once, quickly: the links are skipped with a note', async () => {
    const root = tree('selfloop');
    fs.symlinkSync('.', path.join(root, 'a'));
    fs.symlinkSync('.', path.join(root, 'b'));
    const run = await runBin(apply(root));
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `virtwork-apply: skipped ${path.join(root, 'a')}: a symbolic link to a directory (not followed)`,
      `virtwork-apply: skipped ${path.join(root, 'b')}: a symbolic link to a directory (not followed)`,
      expect.stringMatching(/^virtwork-apply: cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+ \(context "c"\): connection refused/),
    ]);
  }, 60_000);

  it('a file symlink loop is one line and exit 1, not "unexpected error" with a stack trace', async () => {
    const root = tree('fileloop');
    fs.symlinkSync('b.yaml', path.join(root, 'a.yaml'));
    fs.symlinkSync('a.yaml', path.join(root, 'b.yaml'));
    const run = await runBin(apply(root));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`virtwork-apply: ${path.join(root, 'a.yaml')}: a loop of symbolic links (ELOOP): it points back to itself\n`);
  }, 60_000);

  it('a garbage kubeconfig is one line and exit 1', async () => {
    const garbage = path.join(dir, 'garbage-kubeconfig');
    fs.writeFileSync(garbage, 'clusters: [\n  - name: x\n  :: garbage {{{\n\u0000\u0001');
    const run = await runBin(['--kubeconfig', garbage, '--no-audit', 'apply', tree('forgarbage')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^virtwork-apply: kubeconfig ${garbage}: cannot be read: [^\\n]+\\n$`));
  }, 60_000);

  it('stops at SIGTERM while reading, exit 130, before anything is sent', async () => {
    // GIVEN 300 manifest files of 100 kB each (reading them all takes seconds; each one a short moment, so the signal is
    // seen between two of them even on a loaded machine)
    const root = tree('big');
    const data = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`key-${i}`, `value-${i}-${'v'.repeat(30)}`]));
    const body = stringify({ data });
    for (let i = 0; i < 300; i++) {
      fs.writeFileSync(path.join(root, `cm-${String(i).padStart(3, '0')}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ns}\n${body}`);
    }
    // WHEN SIGTERM arrives as soon as it starts reading
    let signalledAt = 0;
    const run = await runBin(apply(root, '-o', 'json'), {
      onStdout: (out, kill) => {
        if (signalledAt === 0 && out.includes('"event":"reading"')) {
          signalledAt = Date.now();
          kill('SIGTERM');
        }
      },
    });
    // THEN it stops promptly, says so, exits 130, and never got to apply
    expect(signalledAt).toBeGreaterThan(0);
    expect(run.code).toBe(130);
    expect(run.endedAt - signalledAt).toBeLessThan(10_000);
    expect(run.stderr).toContain('virtwork-apply: SIGTERM: stopping');
    expect(run.stdout).not.toContain('apply-started');
  }, 60_000);
});
