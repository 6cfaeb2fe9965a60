import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { CI_WORKFLOW, scaffoldFiles } from '../../lib/cli/init-command';
import { parseConfigFile } from '../../lib/config/loader';
import { packageInfo } from '../../lib/_package';
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
  it('scaffolds a GitOps repository pinned to this virtwork', async () => {
    // WHEN init runs on a new directory
    const r = await virtwork(['init', 'gitops'], dir);

    // THEN it writes the five files and says what to do next
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^created 5 files in gitops\/: package\.json, cdk8s\.yaml, virtwork\.yaml, \.gitignore, \.github\/workflows\/virtwork\.yaml\nnext: cd gitops && npm install/);
    const repo = join(dir, 'gitops');
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    // AND package.json pins exactly this version of virtwork, and the cdk8s CLI
    expect(pkg.devDependencies).toEqual({ virtwork: packageInfo().version, 'cdk8s-cli': expect.stringMatching(/^\d+\.\d+\.\d+$/) });
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

  it('fails when files exist, unless --force', async () => {
    // GIVEN a directory that already has a virtwork.yaml
    writeFiles(dir, { 'virtwork.yaml': 'namespace: mine\n' });

    // WHEN init runs there
    const r = await virtwork(['init'], dir);

    // THEN it refuses, naming the file, and changes nothing
    expect(r.code).toBe(1);
    expect(r.err).toBe(`virtwork: ${dir}: virtwork.yaml already exist; use --force to overwrite\n`);
    expect(readTree(dir)).toEqual({ 'virtwork.yaml': 'namespace: mine\n' });
    // AND with --force it overwrites
    expect((await virtwork(['init', '--force'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'virtwork.yaml'), 'utf8')).toBe(scaffoldFiles('x').get('virtwork.yaml'));
  });

  it('makes a repository that synthesizes, where changing one param changes only the expected lines of one file', async () => {
    // GIVEN a repository made by init, synthesized and committed
    await virtwork(['init'], dir);
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
