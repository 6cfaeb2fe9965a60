import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { normalizeDryRun } from '../../lib/cli/virtwork-apply';
import { runApplyCli, scratchDir } from './_run';

describe('virtwork-apply follows kubectl conventions: -f, -n, --context, --kubeconfig, -o, --dry-run=<mode>, exit 2 on usage', () => {
  let dir: string;
  let kubeconfig: string;
  let manifests: string;
  let connections = 0;
  let server: net.Server;
  beforeAll(async () => {
    dir = scratchDir('conventions');
    // a loopback server that counts connections: a usage error must come before any request
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'not-a-secret' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    manifests = path.join(dir, 'dist');
    fs.mkdirSync(manifests);
    fs.writeFileSync(path.join(manifests, 'all.yaml'), [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: load}\n',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: load, labels: {virtwork/run-id: r1}}\n',
    ].join('---\n'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => runApplyCli(['--kubeconfig', kubeconfig, '--no-audit', ...args]);

  it.each([
    [['-n', 'Bad_NS', 'status'], '--namespace must be a DNS-1123 label'],
    [['-n', 'Bad_NS', 'apply', '-f', 'dist'], '--namespace must be a DNS-1123 label'],
    [['cleanup', '--run-id', 'bad id!', '--yes'], '--run-id must be a valid label value'],
    [['wait', '--run-id', '-x-'], '--run-id must be a valid label value'],
    [['apply', '--run-id', 'a b'], '--run-id must be a valid label value'],
    [['--request-timeout', '0', 'status'], '--request-timeout must be a positive duration'],
    [['apply', '--concurrency', '0'], '--concurrency must be an integer from 1 to 1000'],
    [['apply', '--dry-run=server', '--wait'], '--wait cannot be combined with --dry-run'],
    [['apply', 'dist', '-f', 'other'], 'give the manifests once'],
  ])('%j: exit 2, one line, before any request', async (args, message) => {
    const before = connections;
    const result = await run(...args);
    expect([result.code, result.stderr]).toEqual([2, expect.stringMatching(new RegExp(`^virtwork-apply: ${message.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}[^\n]*\n$`))]);
    expect(connections).toBe(before);
  });

  it.each([
    [['-o', 'xml', 'status']],
    [['apply', '--dry-run=bogus']],
    [['status', '--no-such-flag']],
  ])('%j: commander usage errors exit 2 too', async (args) => {
    expect((await run(...args)).code).toBe(2);
  });

  it('every subcommand\'s --help shows the global options its examples use', async () => {
    for (const command of ['apply', 'wait', 'status', 'cleanup', 'migrate', 'history']) {
      const help = await run(command, '--help');
      expect([command, help.code]).toEqual([command, 0]);
      for (const option of ['--kubeconfig', '--context', '-n, --namespace', '-o, --output', '--request-timeout']) expect([command, help.stdout]).toEqual([command, expect.stringContaining(option)]);
    }
  });

  it('apply -f <dir> --dry-run=client reads and checks here, contacts no cluster, in every output format', async () => {
    const before = connections;
    const json = await runApplyCli(['-o', 'json', 'apply', '-f', manifests, '--dry-run=client', '-n', 'other']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(json.events.filter((e) => e.event === 'object').map((e) => `${e.kind} ${e.namespace ?? ''} ${e.action}`)).toEqual(['Namespace  checked', 'Secret other checked']);
    const yaml = await runApplyCli(['-o', 'yaml', 'apply', manifests, '--dry-run', 'client']);
    expect(yaml.stdout.split(/^---\n/m).filter(Boolean).map((d) => (d.match(/^event: (.*)$/m) ?? [])[1])).toEqual(['reading', 'apply-started', 'object', 'object', 'apply-finished']);
    const wide = await runApplyCli(['-o', 'wide', 'apply', manifests, '--dry-run=client']);
    expect(wide.stdout).toContain('2 objects read and checked');
    expect(connections).toBe(before);
  });

  it('counts one object as "1 object", not "1 objects"', async () => {
    const single = path.join(dir, 'single');
    fs.mkdirSync(single);
    fs.writeFileSync(path.join(single, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: load}\n');
    const r = await runApplyCli(['apply', single, '--dry-run=client']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1 object read and checked from /);
  });

  it('keeps the old bare --dry-run (meaning server) and reads a directory that follows it', () => {
    expect(normalizeDryRun(['apply', '--dry-run', 'dist/'])).toEqual(['apply', '--dry-run=server', 'dist/']);
    expect(normalizeDryRun(['apply', '--dry-run'])).toEqual(['apply', '--dry-run=server']);
    expect(normalizeDryRun(['apply', '--dry-run', 'client', 'dist/'])).toEqual(['apply', '--dry-run', 'client', 'dist/']);
    expect(normalizeDryRun(['cleanup', '--dry-run=none'])).toEqual(['cleanup', '--dry-run=none']);
  });
});
