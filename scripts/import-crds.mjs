#!/usr/bin/env node
// Regenerates imports/ from the KubeVirt / CDI CRDs in ../shared/crds (see docs/architecture.md).
// Only served versions we use (kubevirt.io v1, cdi.kubevirt.io v1beta1) are kept and every `description`
// is stripped, so no upstream prose lands in our tree and the generated types compile fast.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crdRoot = process.env.VIRTWORK_CRD_DIR ?? resolve(root, '..', 'shared', 'crds');

const GROUPS = [
  {
    keep: 'v1',
    files: [
      'kubevirt-v1.9.0/virtualmachines.kubevirt.io.yaml',
      'kubevirt-v1.9.0/virtualmachineinstancemigrations.kubevirt.io.yaml',
    ],
  },
  { keep: 'v1beta1', files: ['cdi-v1.66.0/datavolumes.cdi.kubevirt.io.yaml'] },
];

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'description' && typeof v === 'string') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return node;
}

const work = mkdtempSync(join(tmpdir(), 'virtwork-import-'));
try {
  GROUPS.forEach((group, i) => {
    const docs = group.files.map((file) => {
      const crd = parse(readFileSync(join(crdRoot, file), 'utf8'));
      crd.spec.versions = crd.spec.versions.filter((v) => v.name === group.keep);
      if (crd.spec.versions.length !== 1) throw new Error(`${file}: version ${group.keep} not found`);
      return stringify(strip(crd));
    });
    const out = join(work, `group-${i}.yaml`);
    writeFileSync(out, docs.join('---\n'));
    execFileSync('npx', ['cdk8s', 'import', out, '--output', 'imports', '--language', 'typescript', '--no-save', '--check-upgrade', 'false'], {
      cwd: root,
      stdio: 'inherit',
    });
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
