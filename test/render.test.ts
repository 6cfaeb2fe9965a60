import { join } from 'node:path';
import { renderToDir } from '../lib/render/render';
import { readTree, scratch, writeFiles } from './cli/_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

describe('renderToDir', () => {
  it('synthesizes into the directory and lists the files written', () => {
    const result = renderToDir({ namespace: 'x', workloads: [{ name: 'cpu' }] }, join(dir, 'dist'));
    expect(result).toEqual(expect.objectContaining({ outdir: join(dir, 'dist'), files: ['cpu.yaml', 'kustomization.yaml', 'namespace.yaml'] }));
    expect(Object.keys(readTree(join(dir, 'dist')))).toEqual(result.files);
  });

  it('fails before writing anything when the input is bad', () => {
    writeFiles(dir, { 'dist/old.yaml': 'old: 1\n' });
    expect(() => renderToDir({ namespace: 'x', workloads: [{ name: 'cpu', vmCount: 0 }] }, join(dir, 'dist'))).toThrow('vmCount');
    expect(readTree(dir)).toEqual({ 'dist/old.yaml': 'old: 1\n' });
  });
});
