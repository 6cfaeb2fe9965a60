import { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  SHIPPED_CATALOG_DIR, catalogDirOf, catalogRegistry, inspectCatalogEntry, listCatalogEntries, loadCatalogEntries, loadCatalogEntry,
} from '../../lib/catalog';
import { VirtworkError } from '../../lib/core/errors';
import { renderToDir } from '../../lib/render/render';
import { BROKEN, editManifest } from './_broken-corpus';
import { DEMO, removeCatalogs, unit, writeCatalog } from './_helpers';

afterAll(removeCatalogs);

/** The error a call throws (fails the test when it throws none or not a VirtworkError). */
function errorOf(fn: () => unknown): VirtworkError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VirtworkError);
    return err as VirtworkError;
  }
  throw new Error('expected a VirtworkError, nothing was thrown');
}

/** Every file under `dir` with its content (to prove a directory untouched). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name), 'utf8');
  return out;
}

describe('loadCatalogEntries', () => {
  it('loads a valid entry with every feature of the format', () => {
    // GIVEN a catalog holding DEMO
    const dir = writeCatalog({ demo: DEMO });
    // WHEN it is loaded
    const [entry] = loadCatalogEntries(dir, ['demo']);
    // THEN the entry carries its roles, units, scripts, storage and service
    expect(entry.name).toBe('demo');
    expect(entry.location).toBe(join(dir, 'demo'));
    expect(entry.roles?.map((r) => [r.name, r.unit.installName])).toEqual([
      ['server', 'virtwork-demo-server.service'],
      ['client', 'virtwork-demo-client.service'],
    ]);
    expect(entry.scripts.map((s) => s.installPath)).toEqual(['/usr/local/bin/virtwork-demo-client.sh']);
    expect(entry.storage).toEqual([{ name: 'demo-data', size: '1Gi', serial: 'vw-demo', mount: '/var/lib/demo', roles: ['server'] }]);
    expect(entry.service).toEqual({ ports: [{ name: 'demo', port: 7000, protocol: 'TCP' }], selectorRole: 'server' });
    expect(entry.params.keys).toEqual(['threads', 'mode', 'label', 'verbose', 'tests', 'opts']);
  });

  it('loads an entry without a manifest: every unit on every VM, no params', () => {
    const dir = writeCatalog({ bare: { 'a.service': unit('/bin/true'), 'b.service': unit('/bin/true') } });
    const entry = loadCatalogEntry(dir, 'bare');
    expect(entry.roles).toBeUndefined();
    expect(entry.units.map((u) => u.installName)).toEqual(['virtwork-bare-a.service', 'virtwork-bare-b.service']);
    expect(entry.params.keys).toEqual([]);
  });

  describe('a corpus of broken entries', () => {
    it('has at least 30 cases, each with its own message', () => {
      expect(BROKEN.length).toBeGreaterThanOrEqual(30);
      expect(new Set(BROKEN.map((c) => c.message)).size).toBe(BROKEN.length);
      expect(new Set(BROKEN.map((c) => c.defect)).size).toBe(BROKEN.length);
    });

    it.each(BROKEN.map((c) => [c.defect, c] as const))('fails when %s', (_defect, c) => {
      // GIVEN DEMO with exactly one defect
      const name = c.name ?? 'demo';
      const dir = writeCatalog({ [name]: c.files ?? { ...DEMO, 'workload.yaml': editManifest(c.manifest ?? []) } });
      // WHEN it is loaded
      const err = errorOf(() => loadCatalogEntries(dir, [name]));
      // THEN one precise message names the file, the field and the value, without a stack trace
      const message = err.message.split(dir).join('<catalog>');
      expect(message).toBe(c.message);
      expect(message).not.toMatch(/\n|^\s+at /m);
    });
  });

  it('fails when the catalog directory does not exist', () => {
    const err = errorOf(() => loadCatalogEntries('/nonexistent/catalog', ['x']));
    expect(err.message).toBe('catalog directory /nonexistent/catalog does not exist');
  });

  it('fails when the entry does not exist, suggesting the closest one', () => {
    const dir = writeCatalog({ sysbench: { 'workload.service': unit('/bin/true') } });
    const err = errorOf(() => loadCatalogEntries(dir, ['sysbnch']));
    expect(err.message).toBe(`catalog entry "sysbnch" not found in ${dir} (did you mean "sysbench"?); entries: sysbench`);
  });

  it('fails when the entry is a file, not a directory', () => {
    const dir = writeCatalog({ stray: 'not a directory' });
    const err = errorOf(() => loadCatalogEntries(dir, ['stray']));
    expect(err.message).toBe(`${join(dir, 'stray')}: a catalog entry must be a directory (of *.service units and an optional workload.yaml)`);
  });

  it('fails when an entry is selected twice', () => {
    const dir = writeCatalog({ demo: DEMO });
    expect(errorOf(() => loadCatalogEntries(dir, ['demo', 'demo'])).message).toBe('catalog entry "demo" is selected twice');
  });

  it('fails with the problems of every broken entry of a selection at once', () => {
    const dir = writeCatalog({
      good: DEMO,
      bad1: { 'workload.yaml': 'pakages: []\n', 'x.service': unit('/bin/true') },
      bad2: { 'workload.yaml': 'description: no unit\n' },
    });
    const err = errorOf(() => loadCatalogEntries(dir, ['good', 'bad1', 'bad2']));
    expect(err.message.split('\n')).toEqual([
      expect.stringMatching(/bad1\/workload\.yaml: pakages: unknown key \(did you mean "packages"\?\)/),
      expect.stringMatching(/bad2: has no \.service file/),
    ]);
  });

  it('follows symlinked entries and files', () => {
    const real = writeCatalog({ demo: DEMO });
    const dir = writeCatalog({});
    symlinkSync(join(real, 'demo'), join(dir, 'linked'));
    expect(listCatalogEntries(dir)).toEqual(['linked']);
    expect(loadCatalogEntry(dir, 'linked').units.map((u) => u.installName)).toEqual([
      'virtwork-linked-client.service',
      'virtwork-linked-server.service',
    ]);
  });
});

describe('inspectCatalogEntry', () => {
  it('returns errors instead of throwing, and warnings for things that work but are probably not meant', () => {
    const dir = writeCatalog({
      noisy: {
        'workload.yaml': 'description: noisy\nparams:\n  - key: unused\n    type: int\n    default: 1\n    desc: never used\n',
        'a.service': unit('/bin/true'),
        'b.service': unit('/bin/true'),
        'notes.txt': 'x',
        'old/': '',
      },
    });
    const check = inspectCatalogEntry(dir, 'noisy');
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.split(dir).join('<catalog>'))).toEqual([
      '<catalog>/noisy/notes.txt: ignored (an entry uses workload.yaml, *.service units, *.sh scripts and *.md docs)',
      '<catalog>/noisy/old/: ignored (sub-directories are not used)',
      '<catalog>/noisy: every VM runs all 2 units (a.service, b.service); declare roles in workload.yaml to run them on different VMs',
      '<catalog>/noisy/workload.yaml: params[0] "unused": declared but not used in any unit or script',
    ]);
  });
});

describe('listCatalogEntries', () => {
  it('lists the sub-directories sorted, without hidden directories and files', () => {
    const dir = writeCatalog({ zeta: DEMO, alpha: DEMO, '.git': {}, 'README.md': '# catalog' });
    expect(listCatalogEntries(dir)).toEqual(['alpha', 'zeta']);
  });

  it('fails when the directory is a file', () => {
    const dir = writeCatalog({ file: 'x' });
    expect(errorOf(() => listCatalogEntries(join(dir, 'file'))).message).toBe(`catalog directory ${join(dir, 'file')} is not a directory`);
  });
});

describe('SHIPPED_CATALOG_DIR', () => {
  it('is the catalog/ directory of the package, from the sources and from build/', () => {
    const root = resolve(__dirname, '..', '..');
    expect(SHIPPED_CATALOG_DIR).toBe(join(root, 'catalog'));
    expect(existsSync(join(SHIPPED_CATALOG_DIR, 'sysbench', 'workload.yaml'))).toBe(true);
    expect(catalogDirOf(join(root, 'build', 'lib', 'catalog'))).toBe(join(root, 'catalog'));
    expect(catalogDirOf('/srv/app/node_modules/virtwork/build/lib/catalog')).toBe('/srv/app/node_modules/virtwork/catalog');
  });
});

describe('dist/ stays untouched', () => {
  /** The path from configuration to dist/: load the selected entries, then render them with the built-ins. */
  function render(dir: string, names: readonly string[], outdir: string, params?: Record<string, unknown>) {
    const entries = loadCatalogEntries(dir, names);
    return renderToDir(
      { namespace: 'virtwork', workloads: names.map((name) => ({ name, params })), registry: catalogRegistry(entries) },
      outdir,
    );
  }

  it('when a selected entry is broken: the loader fails before anything is rendered', () => {
    // GIVEN a dist/ rendered from a good entry
    const dir = writeCatalog({ demo: DEMO, broken: { ...DEMO, 'workload.yaml': editManifest([['port: 7000', 'port: 70000']]) } });
    const out = join(writeCatalog({}), 'dist');
    render(dir, ['demo'], out);
    const before = tree(out);
    expect(Object.keys(before)).toEqual(['demo.yaml', 'kustomization.yaml', 'namespace.yaml']);
    // WHEN the selection adds a broken entry
    const err = errorOf(() => render(dir, ['demo', 'broken'], out));
    // THEN the error names the entry's file and field, and dist/ is byte for byte what it was
    expect(err.message).toMatch(/broken\/workload\.yaml: service\.ports\[0\]\.port: must be at most 65535, got 70000$/);
    expect(tree(out)).toEqual(before);
  });

  it('when a param value is hostile: rendering fails before the first byte is written', () => {
    const dir = writeCatalog({ demo: DEMO });
    const out = join(writeCatalog({}), 'dist');
    render(dir, ['demo'], out);
    const before = tree(out);
    const err = errorOf(() => render(dir, ['demo'], out, { label: '$(reboot)' }));
    expect(err.message).toMatch(/^demo\.params\.label: must be a string of .* got "\$\(reboot\)"$/);
    expect(tree(out)).toEqual(before);
  });
});
