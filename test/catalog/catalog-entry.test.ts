import { checkCatalogEntry, parseCatalogEntry } from '../../lib/catalog';
import { VirtworkError } from '../../lib/core/errors';
import { DEMO, source, unit } from './_helpers';

describe('checkCatalogEntry', () => {
  it('checks an entry from files already read: no error, no warning for DEMO', () => {
    // GIVEN DEMO in memory WHEN checked THEN it is complete and nothing is reported
    const check = checkCatalogEntry(source('demo', DEMO));
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    const entry = check.entry!;
    expect(entry.units.map((u) => [u.file, u.stem, u.installName])).toEqual([
      ['client.service', 'client', 'virtwork-demo-client.service'],
      ['server.service', 'server', 'virtwork-demo-server.service'],
    ]);
    expect(entry.roles!.map((r) => [r.name, r.vmCount, r.packages, r.unit.file])).toEqual([
      ['server', undefined, ['demo-server'], 'server.service'],
      ['client', undefined, [], 'client.service'],
    ]);
    expect(entry.packages).toEqual(['demo-common']);
    expect(entry.description).toBe('Demo entry used by the tests');
  });

  it('warns about a missing description and params without desc, and about scripts no unit runs', () => {
    const check = checkCatalogEntry(source('w', {
      'workload.yaml': 'params:\n  - key: n\n    type: int\n    default: 1\n',
      'workload.service': unit('/bin/sleep {{n}}'),
      'orphan.sh': '#!/bin/sh\necho never\n',
    }));
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([
      'catalog/w/workload.yaml: params[0] "n": has no desc (users see it in the params table)',
      'catalog/w/workload.yaml: description: missing (shown by `virtwork validate` and in docs)',
      'catalog/w/orphan.sh: not referenced as {{script:orphan.sh}} by any unit or script, so it never runs',
    ]);
    expect(check.entry).toBeDefined();
  });

  it('lists every error at once when there are several, and returns no entry', () => {
    const check = checkCatalogEntry(source('Bad_Name', { 'workload.yaml': 'packages: ["a b"]\n', 'x.sh': 'no shebang' }));
    expect(check.entry).toBeUndefined();
    expect(check.errors).toEqual([
      'catalog/Bad_Name: entry name "Bad_Name" must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit): it is the workload name and part of every VM name',
      'catalog/Bad_Name/workload.yaml: packages[0]: must be a package name (letters, digits and . _ + -), got "a b"',
      'catalog/Bad_Name/x.sh: line 1: must start with a shebang like #!/bin/bash, got "no shebang"',
      'catalog/Bad_Name: has no .service file (an entry needs at least one systemd unit)',
    ]);
  });

  it('checks placeholders in scripts too, including scripts that call scripts', () => {
    const check = checkCatalogEntry(source('s', {
      'workload.service': unit('{{script:a.sh}}'),
      'a.sh': '#!/bin/bash\nexec {{script:b.sh}} {{nope}}\n',
      'b.sh': '#!/bin/bash\necho {{virtwork:namespace}}\n',
    }));
    expect(check.errors).toEqual(['catalog/s/a.sh: placeholder {{nope}} names no declared param; the manifest declares no params']);
  });
});

describe('parseCatalogEntry', () => {
  it('throws one VirtworkError with every error, one per line', () => {
    let err: unknown;
    try {
      parseCatalogEntry(source('e', { 'workload.yaml': 'roles:\n  - name: a\n  - name: b\n' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VirtworkError);
    expect((err as Error).message).toBe([
      'catalog/e: has no .service file (an entry needs at least one systemd unit)',
      'catalog/e/workload.yaml: roles[0].name: role "a" has no unit: add a.service to catalog/e',
      'catalog/e/workload.yaml: roles[1].name: role "b" has no unit: add b.service to catalog/e',
    ].join('\n'));
  });
});
