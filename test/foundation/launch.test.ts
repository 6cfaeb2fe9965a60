import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleSource } = require('../../apps/launch.cjs') as { staleSource(root: string): string | undefined };

describe('apps/launch.cjs: when the compiled app is used', () => {
  let root: string;
  const touch = (rel: string, seconds: number) => {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
    utimesSync(path, seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'virtwork-launch-'));
    for (const d of ['apps', 'lib/cli', 'imports']) mkdirSync(join(root, d), { recursive: true });
    touch('apps/main.ts', 100);
    touch('lib/cli/synth-command.ts', 100);
    touch('imports/kubevirt.io.ts', 100);
    touch('lib/index.d.ts', 500); // declaration files are not sources
    touch('build/apps/main.js', 200);
    touch('build/lib/cli/synth-command.js', 200);
    touch('build/imports/kubevirt.io.js', 200);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('GIVEN every source older than its compiled file THEN the build is fresh', () => {
    expect(staleSource(root)).toBeUndefined();
  });

  it('GIVEN an edited source (newer than its compiled file) THEN it is named as stale', () => {
    touch('lib/cli/synth-command.ts', 300);
    expect(staleSource(root)).toBe(join(root, 'lib/cli/synth-command.ts'));
  });

  it('GIVEN a new source with no compiled file THEN it is named as stale', () => {
    touch('apps/other.ts', 50);
    expect(staleSource(root)).toBe(join(root, 'apps/other.ts'));
  });
});
