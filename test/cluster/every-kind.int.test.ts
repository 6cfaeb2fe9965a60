import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { applyManifests } from '../../lib/cluster/apply';
import { EMITTED_KINDS } from '../../lib/cluster/kinds';
import { connect } from '../../lib/cluster/kubeconfig';
import { groupOf, Manifest } from '../../lib/cluster/manifests';
import { describeIntegration, testKubeConfig } from '../harness';
import { synthesizeEveryKind } from './_every-kind';
import { startFaultProxy } from './_fault-proxy';
import { adminKubeconfig, freshNamespace, listNames } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

describeIntegration('every kind virtwork emits, validated by the real API server with every CRD of ../shared/crds', () => {
  const api = () => k8s.KubernetesObjectApi.makeApiClient(testKubeConfig());
  const ensureNamespace = (name: string, labels?: Record<string, string>) => api().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } })
    .catch((err: k8s.ApiException<unknown>) => (err.code === 409 ? undefined : Promise.reject(err)));

  /** Synthesized with external-secret and sealed-secret user-data, a migration and the GitOps files: one of each kind. */
  function oneOfEachKind(namespace: string): Manifest[] {
    const seen = new Set<string>();
    return synthesizeEveryKind(namespace).filter((m) => {
      const key = `${groupOf(m.object.apiVersion)}/${m.object.kind}`;
      return !seen.has(key) && !!seen.add(key);
    });
  }

  it.each([
    ['into namespaces that exist (dry-run create in place: none of the objects is there yet)', true],
    ['into a namespace that does not exist yet (dry-run create in the stand-in namespace)', false],
  ])('accepts one object of every kind %s', async (_how, precreate) => {
    const namespace = freshNamespace('kinds');
    if (precreate) {
      await ensureNamespace(namespace, { 'app.kubernetes.io/managed-by': 'virtwork' });
      await ensureNamespace('argocd');
      await ensureNamespace('flux-system');
    }
    const outcomes = await applyManifests(connect({ kubeconfig: adminKubeconfig() }), oneOfEachKind(namespace), { dryRun: true });
    // every object validated by the server: none skipped, none "not validated"
    expect(outcomes.filter((o) => o.reason !== undefined)).toEqual([]);
    const kinds = outcomes.map((o) => o.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(['Application', 'ConfigMap', 'ExternalSecret', 'GitRepository', 'Kustomization', 'Namespace', 'PrometheusRule', 'SealedSecret', 'Secret', 'Service',
      'VirtualMachine', 'VirtualMachineInstanceMigration']));
    // every kind synthesis emits is in the table (test/cluster/kinds.test.ts) and was just validated
    const table = new Set(EMITTED_KINDS.map((k) => k.kind));
    expect(kinds.filter((k) => !table.has(k))).toEqual([]);
    // nothing was persisted
    await expect(api().read({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'virtwork-cpu-0', namespace } })).rejects.toMatchObject({ code: 404 });
  });

  it('cleanup deletes every kind it applied (migrations, ExternalSecrets, SealedSecrets…) and skips, with one note, kinds not served', async () => {
    // GIVEN every namespaced kind virtwork applies, applied for real
    const namespace = freshNamespace('cleankinds');
    const dir = scratchDir('cleankinds');
    const applied = synthesizeEveryKind(namespace)
      .filter((m) => EMITTED_KINDS.find((k) => k.kind === m.object.kind)?.cleanup !== 'keep')
      .map((m) => m.object);
    fs.writeFileSync(path.join(dir, 'all.yaml'), applied.map((o) => stringify(o)).join('---\n'));
    const globals = ['--kubeconfig', adminKubeconfig(), '--no-audit', '-n', namespace, '-o', 'json'];
    const apply = await runApplyCli([...globals, 'apply', dir]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const kinds = [...new Set(applied.map((o) => o.kind))].filter((k) => k !== 'Namespace').sort();
    expect(kinds).toEqual(expect.arrayContaining(['ConfigMap', 'ExternalSecret', 'PrometheusRule', 'SealedSecret', 'Secret', 'Service', 'VirtualMachine', 'VirtualMachineInstanceMigration']));

    // WHEN cleaned up through a proxy that makes the cluster look as if sealed-secrets were not installed
    const proxy = await startFaultProxy(adminKubeconfig());
    try {
      proxy.setSchedule((r) => (r.path.startsWith('/apis/bitnami.com') ? { status: 404 } : undefined));
      const hidden = await runApplyCli(['--kubeconfig', proxy.kubeconfigPath, '--no-audit', '-n', namespace, 'cleanup', '--yes']);
      // THEN the unserved kind is skipped with one note, the others are deleted
      expect(hidden.code).toBe(0);
      expect(hidden.stdout).toContain('note: skipped, not served by this cluster (CRD not installed): SealedSecret (bitnami.com/v1alpha1)\n');
      expect(await listNames('bitnami.com/v1alpha1', 'SealedSecret', namespace)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
    // WHEN cleaned up directly
    const run = await runApplyCli([...globals, 'cleanup', '--yes', '--wait', '--timeout', '30s']);
    expect(run.code).toBe(0);
    expect(run.events.find((e) => e.event === 'cleanup-preview')).toMatchObject({ notServed: [] });
    // THEN nothing of any kind is left
    for (const kind of kinds) {
      const ref = EMITTED_KINDS.find((k) => k.kind === kind)!;
      expect([kind, await listNames(ref.apiVersion, kind, namespace)]).toEqual([kind, []]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
