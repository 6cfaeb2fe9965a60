import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeIntegration, testKubeConfig, UNPRIVILEGED_CONTEXT } from '../harness';
import { adminKubeconfig, createUnlabelled, freshNamespace, listNames, namespaceExists, synthCpu } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

/** The namespaced rows of the RBAC table of docs/apply.md, verb for verb. */
const DOCUMENTED_RULES: k8s.V1PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets', 'services'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstances'], verbs: ['list', 'watch'] },
  { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: ['list', 'create', 'patch', 'delete'] },
];

/** virtwork-apply as a user granted exactly what docs/apply.md's RBAC table lists, and no more. */
describeIntegration('the RBAC table of docs/apply.md is enough for apply and cleanup, and create is part of it', () => {
  let dir: string;
  const kc = () => testKubeConfig();
  const rbac = () => kc().makeApiClient(k8s.RbacAuthorizationV1Api);
  beforeAll(() => {
    dir = scratchDir('rbac');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const asUser = (namespace: string) => ['--kubeconfig', adminKubeconfig(), '--context', UNPRIVILEGED_CONTEXT, '--no-audit', '-n', namespace, '-o', 'json'];

  /** A namespace made by an admin for virtwork, and the unprivileged user granted `rules` in it (plus get/patch of it). */
  async function grantedNamespace(prefix: string, rules: k8s.V1PolicyRule[]): Promise<string> {
    const namespace = freshNamespace(prefix);
    await k8s.KubernetesObjectApi.makeApiClient(kc()).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'virtwork' } } });
    const subjects = [{ kind: 'User', name: 'virtwork-nobody', apiGroup: 'rbac.authorization.k8s.io' }];
    await rbac().createClusterRole({ body: { metadata: { name: `ns-${namespace}` }, rules: [{ apiGroups: [''], resources: ['namespaces'], resourceNames: [namespace], verbs: ['get', 'patch'] }] } });
    await rbac().createClusterRoleBinding({ body: { metadata: { name: `ns-${namespace}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `ns-${namespace}` }, subjects } });
    await rbac().createNamespacedRole({ namespace, body: { metadata: { name: 'virtwork' }, rules } });
    await rbac().createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'virtwork' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'virtwork' }, subjects } });
    return namespace;
  }

  it('applies and cleans up (waiting until gone) with exactly the documented verbs', async () => {
    const namespace = await grantedNamespace('rbac', DOCUMENTED_RULES);
    const apply = await runApplyCli([...asUser(namespace), 'apply', synthCpu(dir, namespace, namespace, 2)]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    const cleanup = await runApplyCli([...asUser(namespace), 'cleanup', '--yes', '--wait', '--timeout', '30s']);
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual([]);
    expect(await listNames('v1', 'Secret', namespace, 'app.kubernetes.io/managed-by=virtwork')).toEqual([]);
  });

  it('without create, objects that are there already (not labelled by virtwork) are still validated and applied with patch', async () => {
    // GIVEN a role without create, and every object of the manifests made beforehand by an admin, without virtwork's labels
    const rules = DOCUMENTED_RULES.map((r) => ({ ...r, verbs: r.verbs.filter((v) => v !== 'create') }));
    const namespace = await grantedNamespace('rbacpatch', rules);
    const src = synthCpu(dir, namespace, namespace, 2);
    await createUnlabelled(src);
    expect(await listNames('v1', 'Secret', namespace, 'app.kubernetes.io/managed-by=virtwork')).toEqual([]);
    // WHEN applied as the user: the dry-run create is forbidden, the dry-run apply decides
    const apply = await runApplyCli([...asUser(namespace), 'apply', src]);
    // THEN everything is applied, and now carries virtwork's labels
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await listNames('v1', 'Secret', namespace, 'app.kubernetes.io/managed-by=virtwork')).toEqual(['virtwork-cpu-0-cloudinit', 'virtwork-cpu-1-cloudinit']);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace, 'app.kubernetes.io/managed-by=virtwork')).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
  });

  /**
   * A kubeconfig that acts as user `user` (the admin's token, impersonating: a fresh user per test, so that its
   * cluster-wide grants cannot reach the other tests' `virtwork-nobody`), granted `rules` in every namespace.
   */
  async function clusterWideUser(user: string, rules: k8s.V1PolicyRule[]): Promise<string> {
    const config = JSON.parse(fs.readFileSync(adminKubeconfig(), 'utf8')) as { users: Array<{ name: string; user: Record<string, unknown> }>; contexts: Array<{ name: string; context: Record<string, string> }>; 'current-context': string };
    const admin = config.contexts.find((c) => c.name === config['current-context'])!.context;
    config.users.push({ name: user, user: { ...config.users.find((u) => u.name === admin.user)!.user, as: user } });
    config.contexts.push({ name: user, context: { cluster: admin.cluster, user } });
    config['current-context'] = user;
    const file = path.join(dir, `${user}.kubeconfig`);
    fs.writeFileSync(file, JSON.stringify(config));
    await rbac().createClusterRole({ body: { metadata: { name: user }, rules } });
    await rbac().createClusterRoleBinding({ body: { metadata: { name: user }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: user },
      subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }] } });
    return file;
  }
  const namespaceRule = (verbs: string[]): k8s.V1PolicyRule => ({ apiGroups: [''], resources: ['namespaces'], verbs });

  it('into a namespace that does not exist yet: the documented verbs with get, create and patch on namespaces are enough', async () => {
    const namespace = freshNamespace('rbacnew');
    const kubeconfig = await clusterWideUser(`${namespace}-user`, [...DOCUMENTED_RULES, namespaceRule(['get', 'create', 'patch'])]);
    const apply = await runApplyCli(['--kubeconfig', kubeconfig, '--no-audit', '-o', 'json', 'apply', synthCpu(dir, namespace, namespace, 2)]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await namespaceExists(namespace)).toBe(true);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
  });

  it('without create on namespaces, an apply into a new namespace is refused by its validation before any write', async () => {
    const namespace = freshNamespace('rbacnons');
    const kubeconfig = await clusterWideUser(`${namespace}-user`, [...DOCUMENTED_RULES, namespaceRule(['get', 'patch'])]);
    const apply = await runApplyCli(['--kubeconfig', kubeconfig, '--no-audit', '-o', 'json', 'apply', synthCpu(dir, namespace, namespace, 2)]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^virtwork-apply: cannot apply Namespace .*cannot create resource "namespaces".*nothing was applied/);
    expect(await namespaceExists(namespace)).toBe(false);
  });

  it('without create on Secrets, the apply is refused by its validation before any write, naming the missing verb', async () => {
    const rules = DOCUMENTED_RULES.map((r) => (r.resources?.includes('secrets') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r));
    const namespace = await grantedNamespace('rbacnocreate', rules);
    const apply = await runApplyCli([...asUser(namespace), 'apply', synthCpu(dir, namespace, namespace, 2)]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^virtwork-apply: cannot apply Secret .*cannot create resource "secrets".*nothing was applied/);
    expect(await listNames('v1', 'Secret', namespace)).toEqual([]);
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual([]);
  });
});
