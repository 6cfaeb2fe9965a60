import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeDist } from '../lib/render/dist-writer';
import { readTree, scratch, writeFiles } from './cli/_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const files = (o: Record<string, string>) => new Map(Object.entries(o));

describe('writeDist', () => {
  it('creates the directory, then replaces it whole: files no longer produced disappear', () => {
    // GIVEN a first output
    writeDist(join(dir, 'out/dist'), files({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' }));
    expect(readTree(join(dir, 'out/dist'))).toEqual({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });

    // WHEN a second output has one file fewer
    writeDist(join(dir, 'out/dist'), files({ 'a.yaml': 'a: 2\n' }));

    // THEN exactly the new files are there and nothing is left beside the directory
    expect(readTree(join(dir, 'out/dist'))).toEqual({ 'a.yaml': 'a: 2\n' });
    expect(readdirSync(join(dir, 'out'))).toEqual(['dist']);
  });

  it('leaves the previous output untouched when writing fails half-way', () => {
    // GIVEN a previous output
    writeDist(join(dir, 'dist'), files({ 'a.yaml': 'a: 1\n' }));

    // WHEN a new output fails after its first file is written (the second content is not text)
    const write = () => writeDist(join(dir, 'dist'), new Map<string, string>([['a.yaml', 'a: 2\n'], ['b.yaml', 42 as unknown as string]]));

    // THEN it fails, the previous output is still there, and the staging directory is gone
    expect(write).toThrow(/"data" argument/);
    expect(readTree(join(dir, 'dist'))).toEqual({ 'a.yaml': 'a: 1\n' });
    expect(readdirSync(dir)).toEqual(['dist']);
  });

  it.each([
    [{ 'notes.txt': 'x' }, '"notes.txt"'],
    [{ 'sub/a.yaml': 'x' }, '"sub"'],
  ])('fails when the output directory holds more than manifests (%j), touching nothing', (existing, named) => {
    writeFiles(dir, { 'out/keep.yaml': 'k: 1\n', ...Object.fromEntries(Object.entries(existing).map(([k, v]) => [`out/${k}`, v])) });
    const before = readTree(join(dir, 'out'));
    expect(() => writeDist(join(dir, 'out'), files({ 'a.yaml': '' }))).toThrow(
      `output "${join(dir, 'out')}" holds more than manifests (${named}); virtwork replaces the whole directory, so choose an empty directory or one it wrote (only *.yaml files)`,
    );
    expect(readTree(join(dir, 'out'))).toEqual(before);
  });

  it('fails when the output is a file or a symbolic link', () => {
    writeFiles(dir, { 'virtwork.yaml': 'namespace: x\n', 'real/a.yaml': '' });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(() => writeDist(join(dir, 'virtwork.yaml'), files({ 'a.yaml': '' }))).toThrow('exists and is not a directory');
    expect(() => writeDist(join(dir, 'link'), files({ 'a.yaml': '' }))).toThrow('exists and is not a directory');
    expect(existsSync(join(dir, 'virtwork.yaml'))).toBe(true);
  });

  it.each(['../a.yaml', 'a.txt', '.hidden.yaml', 'sub/a.yaml'])('fails when a file is named %j', (name) => {
    expect(() => writeDist(join(dir, 'dist'), files({ [name]: '' }))).toThrow(`output file name "${name}" must be a plain *.yaml file name`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/*
 * Directory modes (issue 13, item 13), in a child process with its own umask: `virtwork synth` itself, and writeDist.
 * Under a strict umask (077) the staging directory would be 0700 and the rename would carry that into place.
 */
const TSX_LOADER = join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs');
const ROOT = join(__dirname, '..');
/** The writer's source, loaded by the child process (through tsx). */
const DIST_WRITER = require.resolve('../lib/render/dist-writer');
const modeOf = (path: string) => statSync(path).mode & 0o7777;
const inUmask = (umask: string, args: string[], cwd: string) => {
  const r = spawnSync('sh', ['-c', `umask ${umask} && exec "$@"`, 'sh', process.execPath, '--import', TSX_LOADER, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${r.stdout}${r.stderr}`);
  return r;
};

describe('writeDist directory mode', () => {
  it('keeps 0755 of the dist/ virtwork synth replaces, under umask 077', () => {
    // GIVEN a dist/ of mode 0755 (readable by Argo CD's repo server, a web server, other users)
    writeFiles(dir, { 'dist/old.yaml': 'a: 1\n' });
    chmodSync(join(dir, 'dist'), 0o755);
    // WHEN `virtwork synth` replaces it under a strict umask
    inUmask('077', [join(ROOT, 'bin', 'virtwork.ts'), 'synth', '--workloads', 'cpu', '--output-dir', 'dist'], dir);
    // THEN the new dist/ has the previous mode, and holds the new files only
    expect(modeOf(join(dir, 'dist'))).toBe(0o755);
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['cpu.yaml', 'kustomization.yaml', 'namespace.yaml']);
  });

  it.each([
    ['a custom previous mode (0750)', 0o750, '022', 0o750],
    ['a previous mode with the sticky bit (1775)', 0o1775, '077', 0o1775],
  ])('keeps %s', (_what, previous, umask, expected) => {
    writeFiles(dir, { 'out/a.yaml': 'a: 1\n' });
    chmodSync(join(dir, 'out'), previous);
    const script = `require(${JSON.stringify(DIST_WRITER)}).writeDist('out', new Map([['b.yaml', 'b: 1\\n']]))`;
    inUmask(umask, ['-e', script], dir);
    expect(modeOf(join(dir, 'out'))).toBe(expected);
    expect(readdirSync(join(dir, 'out'))).toEqual(['b.yaml']);
  });

  it.each([['022', '755'], ['027', '750'], ['077', '700']])('gives a new directory the umask %s default (%s), like mkdir', (umask, expected) => {
    const script = `require(${JSON.stringify(DIST_WRITER)}).writeDist('fresh/dist', new Map([['a.yaml', 'a: 1\\n']]))`;
    inUmask(umask, ['-e', script], dir);
    expect(modeOf(join(dir, 'fresh', 'dist')).toString(8)).toBe(expected);
    expect(readdirSync(join(dir, 'fresh'))).toEqual(['dist']);
  });

  it('keeps the --secrets-out directory for its owner: a new one 0700 with 0600 files, whatever the umask', () => {
    const script = `require(${JSON.stringify(DIST_WRITER)}).writeDist('secrets', new Map([['s.yaml', 'kind: Secret\\n']]), { private: true })`;
    inUmask('022', ['-e', script], dir);
    expect(modeOf(join(dir, 'secrets')).toString(8)).toBe('700');
    expect(modeOf(join(dir, 'secrets', 's.yaml')).toString(8)).toBe('600');
  });
});
