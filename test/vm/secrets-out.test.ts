import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { renderToDir } from '../../lib/render/render';
import { VirtualMachine } from '../../lib/vm/virtual-machine';
import { outOfBandSecretFiles } from '../../lib/render/secrets-out';
import { scratch } from '../cli/_run';
import { parseManifests } from '../support/validators';

describe('outOfBandSecretFiles', () => {
  it('collects the Secrets that the manifests only reference, and nothing else', () => {
    // GIVEN one VM per user-data mode
    const chart = Testing.chart();
    for (const [name, mode] of [['vm-a', 'secret'], ['vm-b', 'reference'], ['vm-c', 'external-secret']] as const) {
      new VirtualMachine(chart, name, { name, workload: 'cpu', userData: '#cloud-config\n', userDataSecret: { mode, ...(mode === 'external-secret' ? { secretStore: 's' } : {}) } });
    }

    // THEN only the out-of-band ones are written, as plain Secret manifests
    const files = outOfBandSecretFiles(chart);
    expect([...files.keys()]).toEqual(['vm-b-cloudinit.yaml', 'vm-c-cloudinit.yaml']);
    expect(parse(files.get('vm-b-cloudinit.yaml')!)).toMatchObject({ kind: 'Secret', metadata: { name: 'vm-b-cloudinit' }, stringData: { userdata: '#cloud-config\n' } });
  });
});

describe('renderToDir with secrets and GitOps directories', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch()));
  afterEach(() => cleanup());
  const input = { namespace: 'load', workloads: [{ name: 'cpu', vm: { userDataSecret: { mode: 'reference' as const } } }], gitops: { namespace: 'load' } };

  it('writes the referenced Secrets outside the manifests and the GitOps files beside them', () => {
    // WHEN synth runs with --secrets-out and --gitops-dir
    const result = renderToDir(input, join(dir, 'dist'), { secretsOut: join(dir, 'secrets'), gitopsDir: join(dir, 'gitops') });

    // THEN dist/ references the Secret without containing it; the secrets and GitOps directories hold the rest
    const dist = readdirSync(join(dir, 'dist')).flatMap((f) => parseManifests(readFileSync(join(dir, 'dist', f), 'utf8')));
    expect(dist.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(dist.find((o) => o.kind === 'VirtualMachine')!.spec.template.spec.volumes[1].cloudInitNoCloud.secretRef.name).toBe('virtwork-cpu-0-cloudinit');
    expect(readdirSync(join(dir, 'secrets'))).toEqual(['virtwork-cpu-0-cloudinit.yaml']);
    expect(readdirSync(join(dir, 'gitops')).sort()).toEqual(['argocd-application.yaml', 'flux-kustomization.yaml']);
    expect(result).toMatchObject({ secrets: { files: ['virtwork-cpu-0-cloudinit.yaml'] }, unwrittenSecrets: 0 });
  });

  it('counts the referenced Secrets it did not write when no secrets directory is given', () => {
    expect(renderToDir(input, join(dir, 'dist')).unwrittenSecrets).toBe(1);
    expect(existsSync(join(dir, 'gitops'))).toBe(false);
  });

  it.each([
    [{ secretsOut: 'dist/secrets' }, /the secrets directory ".*dist\/secrets" and the output ".*dist" must be separate directories/],
    [{ gitopsDir: 'dist' }, /the GitOps directory ".*dist" and the output ".*dist" must be separate directories/],
    [{ secretsOut: 'gitops', gitopsDir: 'gitops' }, /the secrets directory ".*gitops" and the GitOps directory ".*gitops" must be separate directories/],
  ])('fails, writing nothing, when the directories overlap: %j', (o, message) => {
    const abs = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, join(dir, v)]));
    expect(() => renderToDir(input, join(dir, 'dist'), abs)).toThrow(message);
    expect(readdirSync(dir)).toEqual([]);
  });
});
