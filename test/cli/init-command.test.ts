import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { CI_WORKFLOW, scaffoldFiles } from '../../lib/cli/init-command';
import { parseConfigFile } from '../../lib/config/loader';
import { readTree, scratch, virtwork, writeFiles } from './_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

/** The lines removed and added between two texts (a longest-common-subsequence diff). */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = a.map(() => new Array<number>(b.length + 1).fill(0));
  lcs.push(new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) (i++, j++);
    else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(b[j++]);
    else removed.push(a[i++]);
  }
  return { removed, added };
}

describe('virtwork init', () => {
  it('scaffolds a GitOps repository that depends on a vendored virtwork tarball, with git', async () => {
    // GIVEN a virtwork tarball (its content does not matter to init, which copies it)
    writeFiles(dir, { 'virtwork-9.9.9.tgz': 'tarball' });

    // WHEN init runs on a new directory from it
    const r = await virtwork(['init', 'gitops', '--from', 'virtwork-9.9.9.tgz'], dir);

    // THEN it writes the six files, runs git init, and says what to do next in steps that work when pasted
    expect(r).toEqual({ code: 0, err: '', out: 'created 6 files in gitops/: package.json, cdk8s.yaml, virtwork.yaml, .gitignore, ' +
      '.github/workflows/virtwork.yaml, vendor/virtwork-9.9.9.tgz (virtwork from virtwork-9.9.9.tgz)\n' +
      'initialized a git repository in gitops/\n' +
      'next: cd gitops && npm install && npx virtwork synth && git add -A && git commit -m "virtwork: initial dist/"\n' });
    const repo = join(dir, 'gitops');
    expect(execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repo, encoding: 'utf8' }).trim()).toBe(repo);
    expect(readFileSync(join(repo, 'vendor/virtwork-9.9.9.tgz'), 'utf8')).toBe('tarball');
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    // AND package.json depends on the vendored tarball (no registry needed), and pins the cdk8s CLI
    expect(pkg.devDependencies).toEqual({ virtwork: 'file:vendor/virtwork-9.9.9.tgz', 'cdk8s-cli': expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(pkg).toEqual(expect.objectContaining({ name: 'gitops', private: true }));
    expect(pkg.scripts.synth).toBe('virtwork synth');
    // AND cdk8s.yaml runs the same code path as `virtwork synth`, into dist/
    expect(parse(readFileSync(join(repo, 'cdk8s.yaml'), 'utf8'))).toEqual({ app: 'npx virtwork synth', output: 'dist' });
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('node_modules/\n');
    // AND the CI workflow synthesizes and fails on any difference in dist/
    const ci = parse(readFileSync(join(repo, CI_WORKFLOW), 'utf8'));
    const runs: string[] = ci.jobs['dist-up-to-date'].steps.map((s: { run?: string }) => s.run).filter(Boolean);
    expect(runs).toEqual(['npm ci', 'npx virtwork validate', 'npx virtwork synth', expect.stringContaining('git diff --exit-code -- dist/')]);
    // AND virtwork.yaml is a valid configuration
    expect(() => parseConfigFile(readFileSync(join(repo, 'virtwork.yaml'), 'utf8'), 'virtwork.yaml', repo)).not.toThrow();
  });

  it('leaves git alone with --no-git, and the next steps say nothing about committing', async () => {
    writeFiles(dir, { 'v.tgz': 'tarball' });
    const r = await virtwork(['init', 'plain', '--from', 'v.tgz', '--no-git'], dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').at(-2)).toBe('next: cd plain && npm install && npx virtwork synth');
    expect(readTree(join(dir, 'plain'))['.git/HEAD']).toBeUndefined();
  });

  it.each([
    [['--from', 'missing.tgz'], '--from: "missing.tgz" does not exist (give a virtwork directory or a virtwork-*.tgz from npm pack)'],
    [['--from', 'notes.txt'], '--from: "notes.txt" is not a .tgz tarball (give a virtwork directory or a virtwork-*.tgz from npm pack)'],
    [['--from', 'other'], '--from: "other" is not a virtwork package directory (its package.json names "left-pad")'],
  ])('fails when %j is no virtwork, one line, exit 1', async (args, message) => {
    writeFiles(dir, { 'notes.txt': 'x', 'other/package.json': '{"name":"left-pad"}' });
    const r = await virtwork(['init', 'repo', ...args], dir);
    expect(r).toEqual({ code: 1, out: '', err: `virtwork: ${message}\n` });
  });

  it('fails when files exist, unless --force', async () => {
    // GIVEN a directory that already has a virtwork.yaml
    writeFiles(dir, { 'virtwork.yaml': 'namespace: mine\n' });

    // WHEN init runs there
    writeFiles(dir, { 'v.tgz': 'tarball' });
    const r = await virtwork(['init', '--from', 'v.tgz'], dir);

    // THEN it refuses, naming the file, and changes nothing
    expect(r.code).toBe(1);
    expect(r.err).toBe(`virtwork: ${dir}: virtwork.yaml already exist; use --force to overwrite\n`);
    expect(readTree(dir)).toEqual({ 'virtwork.yaml': 'namespace: mine\n', 'v.tgz': 'tarball' });
    // AND with --force it overwrites
    expect((await virtwork(['init', '--force', '--from', 'v.tgz', '--no-git'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'virtwork.yaml'), 'utf8')).toBe(scaffoldFiles('x', 'file:v.tgz').get('virtwork.yaml'));
  });

  it('makes a repository that synthesizes, where changing one param changes only the expected lines of one file', async () => {
    // GIVEN a repository made by init, synthesized and committed
    writeFiles(dir, { 'v.tgz': 'tarball' });
    await virtwork(['init', '--from', 'v.tgz'], dir);
    expect((await virtwork(['synth'], dir)).code).toBe(0);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
    const before = readTree(join(dir, 'dist'));

    // WHEN one param of one workload is changed in virtwork.yaml
    const doc = parseDocument(readFileSync(join(dir, 'virtwork.yaml'), 'utf8'));
    doc.setIn(['workloads', 'cpu', 'params'], doc.createNode({ 'cpu-load-percent': 50 }));
    writeFileSync(join(dir, 'virtwork.yaml'), doc.toString());
    // THEN the CI check sees that dist/ is stale
    const check = parse(readFileSync(join(dir, CI_WORKFLOW), 'utf8')).jobs['dist-up-to-date'].steps.at(-1).run as string;
    expect((await virtwork(['synth'], dir)).code).toBe(0);
    expect(spawnSync('bash', ['-ec', check], { cwd: dir }).status).toBe(1);

    // AND only cpu.yaml changed: the stress-ng command line and the params hash of its objects
    const after = readTree(join(dir, 'dist'));
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(changed).toEqual(['cpu.yaml']);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    const diff = lineDiff(before['cpu.yaml'], after['cpu.yaml']);
    const execLine = (load: number) => `          ExecStart=/usr/bin/stress-ng --cpu 0 --cpu-load ${load} --cpu-method all --timeout 0`;
    expect(diff.removed.filter((l) => !l.includes('virtwork/params-hash'))).toEqual([execLine(100)]);
    expect(diff.added.filter((l) => !l.includes('virtwork/params-hash'))).toEqual([execLine(50)]);
    expect(diff.removed.length).toBe(diff.added.length);
    // AND once committed, the check passes
    git('commit', '-q', '-am', 'cpu at 50%');
    expect(spawnSync('bash', ['-ec', check], { cwd: dir }).status).toBe(0);
  });
});
