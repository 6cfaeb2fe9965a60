import { join } from 'node:path';
import { knownWorkloads, listCatalog, loadCatalogClasses, resolveCatalog, shippedCatalogDir, userCatalogDir } from '../../lib/config/catalog-dirs';
import { loadMerged } from '../../lib/config/synth-input';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';
import { scratch, writeFiles } from '../cli/_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const UNIT = '[Service]\nExecStart=/usr/bin/true\n';
const merged = (flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadMerged({ flags, env, cwd: dir });

describe('catalog directories', () => {
  it('ships a catalog with the package', () => {
    expect(shippedCatalogDir()).toMatch(/\/catalog$/);
  });

  it('uses catalog/ next to the configuration file when it exists, else none', () => {
    expect(userCatalogDir(merged())).toBeUndefined();
    writeFiles(dir, { 'conf/virtwork.yaml': '{}\n', 'conf/catalog/a/a.service': UNIT });
    expect(userCatalogDir(merged({ config: 'conf/virtwork.yaml' }))).toBe(join(dir, 'conf/catalog'));
  });

  it('resolves catalog-dir from the file relative to the file, from a flag or variable relative to the working directory', () => {
    writeFiles(dir, { 'conf/virtwork.yaml': 'catalog-dir: mine\n', 'conf/mine/a/a.service': UNIT, 'top/b/b.service': UNIT });
    expect(userCatalogDir(merged({ config: 'conf/virtwork.yaml' }))).toBe(join(dir, 'conf/mine'));
    expect(userCatalogDir(merged({ config: 'conf/virtwork.yaml' }, { VIRTWORK_CATALOG_DIR: 'top' }))).toBe(join(dir, 'top'));
    expect(() => userCatalogDir(merged({ catalogDir: 'nope' }))).toThrow(`--catalog-dir: catalog directory "nope" does not exist (resolved to ${join(dir, 'nope')})`);
  });

  it('lists user entries before shipped ones, a user entry hiding a shipped one of the same name', () => {
    writeFiles(dir, { 'catalog/sysbench/sysbench.service': UNIT, 'catalog/zeta/zeta.service': UNIT });
    const catalog = listCatalog(merged());
    expect(catalog.available.get('sysbench')).toBe(join(dir, 'catalog'));
    expect(catalog.available.get('redis-bench')).toBe(shippedCatalogDir());
    expect(knownWorkloads(catalog).slice(0, Object.keys(BUILTIN_WORKLOADS).length)).toEqual(Object.keys(BUILTIN_WORKLOADS).sort());
    expect(knownWorkloads(catalog)).toContain('zeta');
    expect(Object.keys(catalog.registry)).toEqual(Object.keys(BUILTIN_WORKLOADS));
  });

  it('loads only the entries asked for', () => {
    writeFiles(dir, { 'catalog/a/a.service': UNIT, 'catalog/b/broken.txt': 'not an entry' });
    const catalog = listCatalog(merged());
    expect(Object.keys(loadCatalogClasses(catalog, ['a', 'cpu', 'unknown']))).toEqual(['a']);
    expect(Object.keys(resolveCatalog(merged(), ['a']).registry)).toEqual([...Object.keys(BUILTIN_WORKLOADS), 'a']);
    expect(() => loadCatalogClasses(catalog, ['b'])).toThrow(/b/);
  });

  it('fails when a catalog entry has the name of a built-in workload', () => {
    writeFiles(dir, { 'catalog/cpu/cpu.service': UNIT });
    expect(() => listCatalog(merged())).toThrow(`${join(dir, 'catalog/cpu')}: catalog entry "cpu" has the name of a built-in workload; rename its directory`);
  });
});
