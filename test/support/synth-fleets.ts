// Synthesis inputs whose output test/synth-output.test.ts pins byte for byte.
import type { SynthInput } from '../../lib/render/synth';

/** The 1,000-VM fleet of `npm run bench` (every built-in workload of 2026-12-02, 100 VMs each), listed explicitly. */
export const BENCH_FLEET: SynthInput = {
  namespace: 'virtwork-bench',
  runId: 'bench',
  workloads: [
    { name: 'cpu', vmCount: 100 }, { name: 'memory', vmCount: 100 }, { name: 'disk', vmCount: 100 },
    { name: 'database', vmCount: 100 }, { name: 'network', vmCount: 50 }, { name: 'tps', vmCount: 50 },
    { name: 'chaos-disk', vmCount: 100 }, { name: 'chaos-network', vmCount: 100 }, { name: 'chaos-process', vmCount: 100 },
    { name: 'storage-bench', vmCount: 100 },
  ],
};

/** Every VM option and user-data mode somewhere, plus values YAML must quote (`"true"`, `"1.0"`, `"null"`, `": #"`). */
export const OPTIONS_FLEET: SynthInput = {
  namespace: 'virtwork-options',
  runId: 'run-7',
  version: '9.9.9',
  ssh: { name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileKey: # ops@example'], hashedPassword: '$6$salt$hash' },
  vm: { nodeSelector: { 'example.com/pool': 'true', 'example.com/gen': '1.0' } },
  workloads: [
    { name: 'cpu', vmCount: 3, migrate: 'all', vm: { userDataSecret: { mode: 'external-secret', secretStore: 'vault' } } },
    { name: 'memory', vmCount: 2, memory: '3Gi', vm: { userDataSecret: { mode: 'reference' }, spread: 'required' } },
    {
      name: 'disk', vmCount: 2, dataDiskSize: '20Gi',
      vm: { rootDisk: { dataSource: { name: 'fedora' }, size: '30Gi', storageClass: 'fast' }, dataDisk: { storageClass: 'slow', accessModes: ['ReadWriteMany'], volumeMode: 'Block' } },
    },
    { name: 'database', vmCount: 2, vm: { instancetype: { name: 'u1.large' }, preference: { name: 'fedora' } } },
    {
      name: 'network', vmCount: 2, readinessProbe: false,
      vm: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'null', effect: 'NoSchedule' }], spread: 'preferred', runStrategy: 'Manual' },
    },
    { name: 'tps', vmCount: 1, vm: { size: 'large', evictionStrategy: 'None' } },
    { name: 'chaos-disk', vmCount: 1, migrate: [0] },
    { name: 'chaos-network', vmCount: 1, cpuCores: 3 },
    { name: 'chaos-process', vmCount: 1, vm: { architecture: 'arm64' } },
    { name: 'storage-bench', vmCount: 1 },
  ],
};
