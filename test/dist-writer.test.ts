import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeDist } from '../lib/dist-writer';
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
