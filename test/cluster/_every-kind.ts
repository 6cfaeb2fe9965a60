import { gitopsFiles } from '../../lib/render/gitops-files';
import { Manifest, parseManifestText } from '../../lib/cluster/manifests';
import { KUSTOMIZATION_FILE, SynthInput, synthesize } from '../../lib/render/synth';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';

/** A stand-in sealer (sealing itself is lib/render/sealed-secrets.ts's, tested there): a fixed base64 value. */
const STAND_IN_SEALER = () => ({ encrypted: 'QUJD', hash: 'sha256:00' });

/**
 * The synthesis input that turns on every option adding a kind: every built-in workload (Services of the server
 * workloads), a migration, the external-secret and sealed-secret user-data modes, the signals chart (PrometheusRule,
 * ConfigMaps) and the GitOps files.
 * An option that makes synthesis emit a new kind belongs here, so that test/cluster/kinds.test.ts sees it.
 */
export function everyKindInput(namespace: string): SynthInput {
  const modes: Record<string, SynthInput['vm']> = {
    memory: { userDataSecret: { mode: 'external-secret', secretStore: 'vault' } },
    disk: { userDataSecret: { mode: 'sealed-secret', sealer: STAND_IN_SEALER } },
  };
  return {
    namespace,
    runId: 'every-kind',
    workloads: Object.keys(BUILTIN_WORKLOADS).sort().map((name) => ({
      name, vmCount: 1, vm: modes[name], ...(name === 'cpu' ? { migrate: 'all' as const } : {}),
    })),
    signals: true,
    gitops: { namespace, repoUrl: 'https://git.example.com/load/virtwork.git', revision: 'main' },
  };
}

/** Every object synthesis emits for {@link everyKindInput}: `dist/` (kustomization.yaml aside) and the GitOps files. */
export function synthesizeEveryKind(namespace = 'virtwork'): Manifest[] {
  const input = everyKindInput(namespace);
  const files = [...synthesize(input), ...gitopsFiles(input.gitops!)].filter(([name]) => name !== KUSTOMIZATION_FILE);
  return files.flatMap(([name, text]) => parseManifestText(text, name));
}
