import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PUBLIC_KEY, scratch } from './_run';

// The shell examples of README.md and docs/cli.md, run as a reader would paste them, in a scratch git repository.
// A block marked `<!-- example: cluster -->` needs a cluster, `setup` is what CI itself runs (.ci/run), `slow` has
// a test of its own; every other `sh` block runs whole, and every `$ ` line of a `console` block runs. `npx virtwork`
// runs this checkout's source.

const ROOT = resolve(__dirname, '..', '..');
const DOCS = ['README.md', 'docs/cli.md'];
const MARKERS = ['cluster', 'setup', 'slow'];

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly marker?: string;
  readonly script: string;
}

/** The `sh` and `console` code blocks of a Markdown file, with the `<!-- example: … -->` marker before each. */
export function examplesOf(doc: string, text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(sh|console)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    const body = lines.slice(i + 1, end);
    const marker = /^<!-- example: (\w+)/.exec(lines[i - 1] ?? '')?.[1];
    const script = fence[1] === 'sh' ? body.join('\n') : body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)).join('\n');
    out.push({ doc, line: i + 1, marker, script });
    i = end;
  }
  return out;
}

const examples = DOCS.flatMap((doc) => examplesOf(doc, readFileSync(join(ROOT, doc), 'utf8')));

describe('the shell examples of README.md and docs/cli.md', () => {
  it('are found, and every marker is one the test knows', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const e of examples) if (e.marker !== undefined) expect(MARKERS).toContain(e.marker);
    expect(examples.filter((e) => e.marker === undefined).length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.filter((e) => e.marker === undefined).map((e) => [`${e.doc}:${e.line}`, e] as const))('%s runs in a scratch repository', (_at, e) => {
    // GIVEN a scratch git repository, a HOME with an SSH key, the files the examples name, and npx running this checkout
    const { dir, cleanup } = scratch('virtwork-readme-');
    try {
      const home = join(dir, 'home');
      const bin = join(dir, 'bin');
      const repo = join(dir, 'repo');
      for (const d of [join(home, '.ssh'), bin, repo]) mkdirSync(d, { recursive: true });
      writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), `${PUBLIC_KEY}\n`);
      writeFileSync(join(repo, 'load-test.yaml'), 'vm-count: 2\n');
      const tsx = require.resolve('tsx');
      writeFileSync(join(bin, 'npx'), [
        '#!/usr/bin/env bash',
        `case "$1" in virtwork|virtwork-apply) cmd=$1; shift; exec node --import ${tsx} ${ROOT}/bin/$cmd.ts "$@";; esac`,
        'echo "npx $1: not available in the examples test" >&2; exit 127',
        '',
      ].join('\n'));
      chmodSync(join(bin, 'npx'), 0o755);
      const env = {
        PATH: `${bin}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8',
        GIT_AUTHOR_NAME: 'reader', GIT_AUTHOR_EMAIL: 'reader@example.org', GIT_COMMITTER_NAME: 'reader', GIT_COMMITTER_EMAIL: 'reader@example.org',
      };
      expect(spawnSync('git', ['init', '-q'], { cwd: repo, env }).status).toBe(0);

      // WHEN the example runs
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', e.script], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });

      // THEN it succeeds, without a stack trace
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/\n\s+at /) });
    } finally {
      cleanup();
    }
  }, 180_000);
});
