import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseManifests, validateObjects } from '../support/validators';

const ROOT = resolve(__dirname, '..', '..');

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** Runs the cdk8s app exactly as `npx cdk8s synth` runs it (cdk8s.yaml `app`) into a scratch dir; returns its files. */
function runApp(env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const app = /^app:\s*(.+)$/m.exec(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8'))![1];
  const out = mkdtempSync(join(tmpdir(), 'virtwork-dist-'));
  try {
    execFileSync('/bin/sh', ['-c', app], { cwd: ROOT, env: { ...process.env, ...env, CDK8S_OUTDIR: out }, stdio: 'pipe' });
    return readDir(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('committed dist/', () => {
  let fresh: Record<string, string>;
  beforeAll(() => {
    // WHEN the cdk8s app runs as cdk8s.yaml says (through the linked app when the build is fresh)
    fresh = runApp();
  });

  it('is written the same by apps/main.ts through tsx, by the compiled build and by the linked app (apps/launch.cjs)', () => {
    expect(runApp({ VIRTWORK_APP: 'tsx' })).toEqual(fresh);
    expect(runApp({ VIRTWORK_APP: 'build' })).toEqual(fresh);
    expect(runApp({ VIRTWORK_APP: 'bundle' })).toEqual(fresh);
  });

  it('is up to date with the code (run `npm run synth` and commit dist/ when this fails)', () => {
    expect(readDir(join(ROOT, 'dist'))).toEqual(fresh);
  });

  it('lists every other file in kustomization.yaml, namespace first', () => {
    const kustomization = parse(fresh['kustomization.yaml']);
    expect(kustomization).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    const others = Object.keys(fresh).filter((f) => f !== 'kustomization.yaml');
    expect(kustomization.resources[0]).toBe('namespace.yaml');
    expect([...kustomization.resources].sort()).toEqual(others.sort());
  });

  it('passes every validator', () => {
    const objects = Object.entries(fresh)
      .filter(([name]) => name !== 'kustomization.yaml')
      .flatMap(([, text]) => parseManifests(text));
    expect(objects.filter((o) => o.kind === 'VirtualMachine').length).toBeGreaterThanOrEqual(2);
    expect(validateObjects(objects)).toEqual([]);
  });
});
