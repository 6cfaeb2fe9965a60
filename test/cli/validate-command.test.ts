import { join } from 'node:path';
import { formatReport } from '../../lib/cli/validate-command';
import { readTree, scratch, virtwork, writeFiles } from './_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

const GOOD_ENTRY = {
  'catalog/hello/workload.yaml': 'description: Says hello forever\nparams:\n  - key: greeting\n    type: string\n    default: hello\n    desc: What to say\n',
  'catalog/hello/hello.service': '[Unit]\nDescription=hello\n\n[Service]\nExecStart=/usr/bin/echo {{greeting}}\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n',
};

describe('virtwork validate', () => {
  it('reports the configuration and every catalog entry OK, writing nothing', async () => {
    // GIVEN a configuration that selects an entry of its own catalog
    writeFiles(dir, { ...GOOD_ENTRY, 'virtwork.yaml': 'workloads:\n  hello: { enabled: true }\n' });

    // WHEN validate runs
    const r = await virtwork(['validate'], dir);

    // THEN the configuration line counts what would be synthesized, the entries of both catalogs are OK
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^OK {4}config +virtwork\.yaml: \d+ workloads \(cpu, .*, hello\), \d+ VMs, \d+ objects in \d+ files$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^OK {4}hello +${join(dir, 'catalog')}: Says hello forever$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^OK {4}redis-bench +\//));
    expect(lines.at(-1)).toMatch(/^\d+ ok, 0 with warnings, 0 failed$/);
    // AND nothing is written
    expect(readTree(join(dir, 'dist'))).toEqual({});
  });

  it('fails when the configuration is bad, and still checks the catalog', async () => {
    // GIVEN a bad value in the file
    writeFiles(dir, { ...GOOD_ENTRY, 'virtwork.yaml': 'cpu-cores: 0\n' });

    // WHEN validate runs on one entry
    const r = await virtwork(['validate', 'hello'], dir);

    // THEN the configuration FAILs with the precise message, the entry is OK, and the exit code is 1
    expect(r.code).toBe(1);
    expect(r.out.split('\n').slice(0, 2)).toEqual([
      'FAIL  config  virtwork.yaml: cpu-cores: must be an integer from 1 to 512, got 0',
      expect.stringMatching(/^OK {4}hello {3}\/.*: Says hello forever$/),
    ]);
    expect(r.err).toBe('virtwork: validation failed (see the FAIL lines above)\n');
  });

  it('fails when a catalog entry is broken or unknown', async () => {
    // GIVEN an entry whose unit uses an undeclared placeholder
    writeFiles(dir, { 'catalog/broken/broken.service': '[Service]\nExecStart=/usr/bin/echo {{nope}}\n' });

    // WHEN validate runs on it and on a misspelled name
    const r = await virtwork(['validate', 'broken', 'redis-bnech'], dir);

    // THEN both FAIL, the misspelling with a suggestion
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL  redis-bnech  no catalog entry "redis-bnech" \(did you mean "redis-bench"\?\) in /m);
    expect(r.out).toMatch(/^FAIL  broken {7}.*\n.*nope/m);
  });

  it('uses the catalog directory of --catalog-dir', async () => {
    writeFiles(dir, { 'elsewhere/hello/workload.yaml': GOOD_ENTRY['catalog/hello/workload.yaml'], 'elsewhere/hello/hello.service': GOOD_ENTRY['catalog/hello/hello.service'] });
    const r = await virtwork(['validate', '--catalog-dir', 'elsewhere', 'hello'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${join(dir, 'elsewhere')}: Says hello forever`);
  });
});

describe('formatReport', () => {
  it('aligns subjects and indents continuation lines', () => {
    expect(formatReport([
      { status: 'OK', subject: 'config', message: 'fine' },
      { status: 'FAIL', subject: 'x', message: 'first\nsecond' },
    ])).toBe('OK    config  fine\nFAIL  x       first\n              second\n1 ok, 0 with warnings, 1 failed\n');
  });
});
