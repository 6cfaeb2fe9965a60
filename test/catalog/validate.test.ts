import { formatCatalogReport, validateCatalog } from '../../lib/render/validate-catalog';
import { DEMO, removeCatalogs, unit, writeCatalog } from './_helpers';

afterAll(removeCatalogs);

describe('validateCatalog', () => {
  // GIVEN a catalog with a good entry, one with a warning, one that fails its checks and one that fails synthesis
  const catalog = () => writeCatalog({
    good: DEMO,
    noisy: {
      'workload.yaml': 'description: one param too many\nparams:\n  - {key: unused, type: int, default: 1, desc: never used}\n',
      'workload.service': unit('/bin/true'),
    },
    broken: { 'workload.yaml': 'description: typo\nroles:\n  - name: server\n', 'sever.service': unit('/bin/true') },
    huge: { 'workload.yaml': 'description: too big\n', 'workload.service': unit('/bin/true') + `# ${'x'.repeat(1024 * 1024)}\n` },
  });

  it('reports OK, WARN and FAIL per entry with the reasons, as data', () => {
    // WHEN the whole catalog is validated
    const dir = catalog();
    const report = validateCatalog(dir);
    // THEN each entry has its status and reasons, and the report is not ok
    const rel = (s: string) => s.split(dir).join('<catalog>');
    expect(report.entries.map((e) => ({ ...e, errors: e.errors.map(rel), warnings: e.warnings.map(rel) }))).toEqual([
      {
        name: 'broken', status: 'FAIL', description: undefined, warnings: [],
        errors: [
          '<catalog>/broken/workload.yaml: roles[0].name: role "server" has no unit: add server.service to <catalog>/broken',
          '<catalog>/broken/sever.service: matches no role (did you mean "server"?): with roles, each unit is named <role>.service (roles: server)',
        ],
      },
      { name: 'good', status: 'OK', description: 'Demo entry used by the tests', errors: [], warnings: [] },
      {
        name: 'huge', status: 'FAIL', description: 'too big', warnings: [],
        errors: [expect.stringMatching(/^<catalog>\/huge: does not synthesize with its default params: virtwork-huge-0: cloud-init user-data is \d+ bytes, over the 1 MiB/)],
      },
      {
        name: 'noisy', status: 'WARN', description: 'one param too many', errors: [],
        warnings: ['<catalog>/noisy/workload.yaml: params[0] "unused": declared but not used in any unit or script'],
      },
    ]);
    expect(report.ok).toBe(false);
  });

  it('checks only the named entries, and reports a missing one as FAIL', () => {
    const dir = catalog();
    const report = validateCatalog(dir, ['good', 'goood']);
    expect(report.entries.map((e) => [e.name, e.status])).toEqual([['good', 'OK'], ['goood', 'FAIL']]);
    expect(report.entries[1].errors).toEqual([`catalog entry "goood" not found in ${dir} (did you mean "good"?); entries: broken, good, huge, noisy`]);
    expect(validateCatalog(dir, ['good', 'noisy']).ok).toBe(true);
  });

  it('fails when the directory does not exist', () => {
    expect(() => validateCatalog('/nonexistent')).toThrow('catalog directory /nonexistent does not exist');
  });
});

describe('formatCatalogReport', () => {
  it('prints a status line per entry, its reasons indented, and a summary', () => {
    const text = formatCatalogReport({
      dir: 'catalog',
      ok: false,
      entries: [
        { name: 'a', status: 'OK', description: 'first', errors: [], warnings: [] },
        { name: 'b', status: 'WARN', errors: [], warnings: ['catalog/b/workload.yaml: params[0] "x": declared but not used'] },
        { name: 'c', status: 'FAIL', errors: ['catalog/c: line one\nline two'], warnings: ['catalog/c: a warning'] },
      ],
    });
    expect(text.split('\n')).toEqual([
      'OK    a - first',
      'WARN  b',
      '      catalog/b/workload.yaml: params[0] "x": declared but not used',
      'FAIL  c',
      '      catalog/c: line one',
      '      line two',
      '      catalog/c: a warning',
      '',
      '3 entries in catalog: 1 OK, 1 WARN, 1 FAIL',
      '',
    ]);
  });

  it('says so when there is nothing to check', () => {
    expect(formatCatalogReport({ dir: 'empty', ok: true, entries: [] })).toBe('no catalog entries in empty\n');
  });
});
