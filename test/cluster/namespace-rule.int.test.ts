import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { describeIntegration } from '../harness';
import { adminKubeconfig, freshNamespace, listNames, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('one namespace rule for every command: -n, else the manifests / the history, else the context, else virtwork', () => {
  let dir: string;
  let kubeconfig: string;
  beforeAll(() => {
    dir = scratchDir('nsrule');
    // GIVEN a kubeconfig whose context names another namespace (as kubectl users' often do)
    const config = parse(fs.readFileSync(adminKubeconfig(), 'utf8')) as { 'current-context': string; contexts: Array<{ name: string; context: Record<string, string> }> };
    for (const c of config.contexts) if (c.name === config['current-context']) c.context.namespace = 'default';
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, stringify(config));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the README's sequence: apply, then status and cleanup --run-id without -n find the objects", async () => {
    const namespace = freshNamespace('readme');
    const runId = 'readme-run';
    const globals = ['--kubeconfig', kubeconfig, '--audit-db', path.join(dir, 'audit.sqlite'), '-o', 'json'];
    // WHEN dist/ (namespace in the manifests) is applied without -n
    const apply = await runApplyCli([...globals, 'apply', synthCpu(dir, 'readme', namespace, 2, runId)]);
    expect(apply.code).toBe(0);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);

    // THEN status without -n looks where apply put them (the history), not in the context's namespace
    const status = await runApplyCli([...globals, 'status']);
    expect(status.code).toBe(0);
    expect(status.events.find((e) => e.event === 'namespace')).toMatchObject({ namespace, source: 'history', from: { runId } });
    expect(status.events.filter((e) => e.event === 'vm').map((e) => e.vm)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);

    // AND without a history the rule goes on to the context's namespace: nothing there (what the issue saw)
    const blind = await runApplyCli(['--kubeconfig', kubeconfig, '--no-audit', '-o', 'json', 'cleanup', '--run-id', runId, '--dry-run']);
    expect(blind.events.find((e) => e.event === 'namespace')).toMatchObject({ namespace: 'default', source: 'context' });
    expect(blind.events.find((e) => e.event === 'cleanup-preview')).toMatchObject({ total: 0 });

    // WHEN cleaned up by run id without -n
    const cleanup = await runApplyCli([...globals, 'cleanup', '--run-id', runId, '--yes']);
    // THEN it found and deleted the run's objects in the namespace apply used
    expect(cleanup.code).toBe(0);
    expect(cleanup.events.find((e) => e.event === 'cleanup-preview')).toMatchObject({ namespace, total: 4 });
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual([]);
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
  });

  it('-n wins over the history, and a run id the history does not know falls back to the context', async () => {
    const globals = ['--kubeconfig', kubeconfig, '--audit-db', path.join(dir, 'audit.sqlite'), '-o', 'json'];
    const flagged = await runApplyCli([...globals, '-n', 'kube-public', 'status']);
    expect(flagged.events.find((e) => e.event === 'namespace')).toEqual({ event: 'namespace', namespace: 'kube-public', source: 'flag' });
    const unknown = await runApplyCli([...globals, 'status', '--run-id', 'never-applied']);
    expect(unknown.events.find((e) => e.event === 'namespace')).toEqual({ event: 'namespace', namespace: 'default', source: 'context' });
  });

  it('apply puts a namespaced object without metadata.namespace into the context namespace, as kubectl does', async () => {
    const file = path.join(dir, 'bare-secret.yaml');
    fs.writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'virtwork-bare' }, stringData: { a: 'b' } }));
    const run = await runApplyCli(['--kubeconfig', kubeconfig, '--no-audit', '-o', 'json', 'apply', file, '--run-id', 'bare']);
    expect(run.code).toBe(0);
    expect(await listNames('v1', 'Secret', 'default', 'virtwork/run-id=bare')).toEqual(['virtwork-bare']);
  });
});
