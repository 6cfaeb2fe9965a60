#!/usr/bin/env node
// Regenerates imports/ from the KubeVirt / CDI CRDs in ../shared/crds (see docs/architecture.md).
// Only served versions we use (kubevirt.io v1, cdi.kubevirt.io v1beta1) are kept and every `description`
// is stripped, so no upstream prose lands in our tree and the generated types compile fast.
// The generated converters (toJson_*) are then rewritten to drop undefined values with one loop per object instead
// of cdk8s import's object spread per key (quadratic in the keys; a tenth of synthesis time at fleet scale, issue 19):
// the same values, keys and key order.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
for (const file of readdirSync(join(root, 'imports')).filter((f) => f.endsWith('.ts'))) {
  const path = join(root, 'imports', file);
  writeFileSync(path, loopConverters(readFileSync(path, 'utf8')));
}

/**
 * `text` (a file cdk8s import wrote) with its spread-per-key filters replaced by calls of two helpers appended to the
 * file: `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})` becomes
 * `_definedEntries(x)`, and the `i[1]?.value` form (maps of quantities) `_definedValues(x)`. Fails when cdk8s import
 * writes something else (a new form must be looked at, not left quadratic or half rewritten).
 */
function loopConverters(text) {
  const SPREAD = /Object\.entries\(([\w.]+)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\](\?\.value)? \}\), \{\}\)/g;
  const out = text.replace(SPREAD, (_, arg, value) => `${value ? '_definedValues' : '_definedEntries'}(${arg})`);
  if (out.includes('.reduce((r, i)')) throw new Error('import-crds: a converter form cdk8s import wrote is not rewritten (see loopConverters)');
  if (out === text) return text;
  return `${out.trimEnd()}

/** \`obj\`'s defined entries, in its key order (one loop: see scripts/import-crds.mjs). */
function _definedEntries(obj: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/** \`obj\`'s defined entries, each replaced by its \`value\` (maps of quantities), in its key order. */
function _definedValues(obj: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: v?.value, enumerable: true, writable: true, configurable: true });
    else out[k] = v?.value;
  }
  return out;
}
`;
}
