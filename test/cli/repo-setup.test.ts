import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

describe('the repository set-up a fresh clone runs (README: npm ci && npm run synth)', () => {
  it('covers every dependency install script in allowScripts, so npm ci prints no install-scripts warning', () => {
    // GIVEN the packages of the lock file that have an install script
    const lock = json('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));

    // THEN each has an explicit allowScripts decision (and nothing stale is listed)
    const allow = (json('package.json') as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    expect(Object.keys(allow).sort()).toEqual([...new Set(withScripts)].sort());
  });

  it('makes npm run synth the atomic virtwork synth, not cdk8s synth (which empties dist/ first)', () => {
    const scripts = (json('package.json') as { scripts: Record<string, string> }).scripts;
    expect(scripts.synth).toBe('node --import tsx bin/virtwork.ts synth');
    // AND prepare writes only the git-ignored build/
    expect(scripts.prepare).toBe('npm run build');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('build/');
  });

  it('lists in cdk8s.yaml only imports that exist in a clone', () => {
    const config = parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
    for (const spec of config.imports ?? []) {
      const path = spec.replace(/^[\w-]+:=/, '');
      expect(path.startsWith('/')).toBe(false);
      expect(existsSync(join(ROOT, path))).toBe(true);
    }
  });

  it('installs with npm ci in CI, so a stale lock file fails the build', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).not.toMatch(/^npm install\b/m);
  });
});
