import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeIntegration, testKubeConfig } from '../harness';
import { Exit, runBin } from './_bin';
import { FaultProxy, startFaultProxy } from './_fault-proxy';
import { adminKubeconfig, freshNamespace, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('the virtwork-apply bin (subprocess): bad input gets one clear line and a documented exit code', () => {
  let dir: string;
  let proxy: FaultProxy;
  beforeAll(async () => {
    dir = scratchDir('bin');
    proxy = await startFaultProxy(adminKubeconfig());
  });
  afterAll(async () => {
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers each kind of bad input with one line on stderr and its exit code', async () => {
    // GIVEN a file with invalid YAML in its 2nd document, a manifest of a kind the server does not serve,
    // a kubeconfig of a cluster nobody listens on, and valid manifests
    const badYaml = path.join(dir, 'bad-yaml');
    fs.mkdirSync(badYaml);
    fs.writeFileSync(path.join(badYaml, 'x.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\n---\nkind: [unclosed\n');
    const unknownKind = path.join(dir, 'unknown-kind.yaml');
    fs.writeFileSync(unknownKind, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\n');
    const nowhere = path.join(dir, 'nowhere.kubeconfig');
    fs.writeFileSync(nowhere, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'nowhere',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }], contexts: [{ name: 'nowhere', context: { cluster: 'c', user: 'u' } }],
    }));
    const namespace = freshNamespace('bin');
    const good = synthCpu(dir, 'good', namespace, 1);
    const kc = ['--kubeconfig', adminKubeconfig(), '--no-audit'];

    // WHEN the real bin runs on a missing directory, an unreachable cluster, an unknown flag and --help (subprocesses),
    // and the same program runs in-process on the other inputs (a subprocess costs seconds on a busy machine)
    const bin = await Promise.all([
      runBin([...kc, 'apply', path.join(dir, 'no-such-dir')]),
      runBin(['--kubeconfig', nowhere, '--no-audit', 'apply', good]),
      runBin([...kc, 'apply', '--no-such-flag']),
      runBin(['cleanup', '--help']),
    ]);
    const [missing, unreachable, usage, help] = bin;
    const invalid = await runApplyCli([...kc, 'apply', badYaml]);
    const kind = await runApplyCli([...kc, 'apply', unknownKind]);
    const forbidden = await runApplyCli([...kc, '--context', 'unprivileged', 'apply', good]);
    const context = await runApplyCli([...kc, '--context', 'admn', 'status']);

    // THEN each answer is one line naming what is wrong, and the exit code is the documented one
    const oneLine = (e: Pick<Exit, 'stderr'>) => {
      expect(e.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      return e.stderr.trim();
    };
    expect([missing.code, oneLine(missing)]).toEqual([1, `virtwork-apply: manifest directory "${path.join(dir, 'no-such-dir')}" does not exist (run \`virtwork synth\` to create it, or name another directory)`]);
    expect(invalid.code).toBe(1);
    expect(oneLine(invalid)).toMatch(new RegExp(`^virtwork-apply: ${badYaml}/x.yaml document 2: invalid YAML: `));
    expect([kind.code, oneLine(kind)]).toEqual([1, `virtwork-apply: ${unknownKind} document 1: the cluster does not serve kind Widget in example.com/v1 (Widget default/w); is its CRD installed?`]);
    expect(unreachable.code).toBe(1);
    expect(oneLine(unreachable)).toMatch(/^virtwork-apply: cannot reach the cluster at https:\/\/127\.0\.0\.1:1 \(context "nowhere"\): connection refused/);
    expect(forbidden.code).toBe(1);
    expect(oneLine(forbidden)).toMatch(/^virtwork-apply: (listing (Secret|Service|VirtualMachine) objects in namespace|reading Namespace) bin-\w+: forbidden: .*User "virtwork-nobody" cannot (list|get) resource/);
    expect([context.code, oneLine(context)]).toEqual([1, `virtwork-apply: --context: no context "admn" in ${adminKubeconfig()} (did you mean "admin"?); available: admin, unprivileged`]);
    expect(usage.code).toBe(2);
    expect(oneLine(usage)).toBe("error: unknown option '--no-such-flag'");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('Examples:');
  }, 180_000);

  it('stops cleanly on SIGINT, records the run as cancelled and exits 130', async () => {
    // GIVEN an apply slowed down by the proxy (every write answered after 300 ms)
    const namespace = freshNamespace('sigint');
    const manifests = synthCpu(dir, 'sigint', namespace, 20);
    proxy.setSchedule((r) => (r.method === 'PATCH' ? { delayMs: 300 } : undefined), true);
    const audit = path.join(dir, 'sigint-audit.sqlite');
    // WHEN it receives SIGINT after its first object
    let sent = false;
    const run = await runBin(['--kubeconfig', proxy.kubeconfigPath, '--audit-db', audit, '-o', 'json', 'apply', manifests, '--concurrency', '2'], { onStdout: (out, kill) => {
      if (!sent && out.includes('"event":"object"')) {
        sent = true;
        kill('SIGINT');
      }
    } });
    // THEN it stops before applying everything, says so, and exits 130
    expect(run.stderr).toContain('SIGINT: stopping');
    expect(run.code).toBe(130);
    expect(run.stdout.split('\n').filter((l) => l.includes('"event":"object"')).length).toBeLessThan(41);
    // AND the audit file has the execution as cancelled
    const history = await runApplyCli(['--audit-db', audit, '-o', 'json', 'history']);
    expect(history.events).toEqual([expect.objectContaining({ command: 'apply', outcome: 'cancelled', namespace })]);
  }, 180_000);

  it('the compiled bin (client-node linked by npm run build) applies, reports and cleans up as the sources do', async () => {
    // GIVEN 3 VMs, and the compiled bin of npm run build
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'build', 'vendor', 'client-node.cjs'))).toBe(true);
    const namespace = freshNamespace('compiled');
    const manifests = synthCpu(dir, 'compiled', namespace, 3);
    const kc = ['--kubeconfig', adminKubeconfig(), '--no-audit', '-o', 'json'];
    const events = (e: Exit) => e.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    // WHEN it applies them, twice, then cleans up
    const first = await runBin([...kc, 'apply', manifests], { compiled: true });
    const again = await runBin([...kc, 'apply', manifests], { compiled: true });
    const cleanup = await runBin([...kc, '-n', namespace, 'cleanup', '--yes', '--wait'], { compiled: true });
    // THEN every object was created, then found unchanged, then deleted; each exit 0
    expect([first.code, again.code, cleanup.code, first.stderr]).toEqual([0, 0, 0, '']);
    const actions = (e: Exit) => events(e).filter((x) => x.event === 'object').map((x) => `${String(x.kind)} ${String(x.action)}`).sort();
    expect(actions(first)).toEqual(['Namespace created', ...Array(3).fill('Secret created'), ...Array(3).fill('VirtualMachine created')]);
    expect(actions(again)).toEqual(['Namespace unchanged', ...Array(3).fill('Secret unchanged'), ...Array(3).fill('VirtualMachine unchanged')]);
    const left = await testKubeConfig().makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace, plural: 'virtualmachines' }) as { items: unknown[] };
    expect(left.items).toEqual([]);
  }, 180_000);
});
