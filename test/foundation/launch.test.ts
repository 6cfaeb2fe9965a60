import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleSource, buildState, bundleFresh, BUNDLE } = require('../../apps/launch.cjs') as {
  staleSource(root: string): string | undefined;
  buildState(root: string): { stale?: string; newest: number };
  bundleFresh(root: string, newest: number): boolean;
  BUNDLE: string;
};
const LAUNCH = join(__dirname, '..', '..', 'apps', 'launch.cjs');

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

  it('GIVEN the linked app as new as the newest compiled file THEN it is used; older or missing, it is not', () => {
    const { stale, newest } = buildState(root);
    expect([stale, newest]).toEqual([undefined, 200_000]);
    expect(bundleFresh(root, newest)).toBe(false);
    touch(BUNDLE, 200);
    expect(bundleFresh(root, newest)).toBe(true);
    touch('build/lib/cli/synth-command.js', 250); // `tsc` alone, after the last `npm run build`
    expect(bundleFresh(root, buildState(root).newest)).toBe(false);
  });
});

describe('apps/launch.cjs: the linked app and its code cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtwork-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  /** Runs `file` as the linked app in a fresh process; what it printed, then what became of the cache. */
  const run = (file: string, writeCache = false): string[] => execFileSync(process.execPath, ['-e',
    `const cache = require(${JSON.stringify(LAUNCH)}).runBundle(${JSON.stringify(file)}, { writeCache: ${writeCache} }); console.log(cache);`], { encoding: 'utf8' }).trim().split('\n');

  it('compiles from the cache only when it was made from exactly that text: an edit of the same length runs the new code', () => {
    // GIVEN a linked app whose functions run, and its cache written after a run
    const file = join(dir, '_main.bundle.js');
    const app = (word: string) => `function say() { return require('node:path').basename(__filename) + ' ${word}'; }\nconsole.log(say());\n`;
    writeFileSync(file, app('one'));
    expect(run(file, true)).toEqual(['_main.bundle.js one', 'none']);
    expect(existsSync(`${file}.cache`)).toBe(true);
    expect(JSON.parse(readFileSync(`${file}.cache.json`, 'utf8'))).toMatchObject({ node: process.version, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // WHEN run again, THEN from the cache
    expect(run(file)).toEqual(['_main.bundle.js one', 'used']);
    // WHEN the text changes (same length: V8's own check of a cache is by length), THEN the cache is not used
    writeFileSync(file, app('two'));
    expect(run(file)).toEqual(['_main.bundle.js two', 'made from another text or Node']);
  });

  it('VIRTWORK_APP=bundle with a linked app older than the build fails, saying what to run', () => {
    const root = mkdtempSync(join(tmpdir(), 'virtwork-launch-'));
    try {
      for (const [rel, seconds] of [['apps/main.ts', 100], ['build/apps/main.js', 200], [BUNDLE, 150]] as const) {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), '');
        utimesSync(join(root, rel), seconds, seconds);
      }
      mkdirSync(join(root, 'lib'));
      mkdirSync(join(root, 'imports'));
      execFileSync('cp', [LAUNCH, join(root, 'apps', 'launch.cjs')]);
      let message = '';
      try {
        execFileSync(process.execPath, [join(root, 'apps', 'launch.cjs')], { env: { ...process.env, VIRTWORK_APP: 'bundle' }, encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        message = (err as { stderr: string }).stderr;
      }
      expect(message).toBe(`virtwork: VIRTWORK_APP=bundle, but ${BUNDLE} is missing or older than the build: run \`npm run build\`\n`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
