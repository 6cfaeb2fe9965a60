import { BUILTIN_WORKLOADS, DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';
import { WorkloadInfo, formatWorkloads } from '../../lib/cli/workloads-command';
import { scratch, virtwork, writeFiles } from './_run';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = scratch()));
afterEach(() => cleanup());

describe('virtwork workloads', () => {
  it('lists every built-in and catalog entry with its params as JSON', async () => {
    // WHEN the workloads are listed as JSON
    const r = await virtwork(['workloads', '--json'], dir);

    // THEN the built-ins come first, with the default ones marked, then the shipped catalog entries
    expect(r.code).toBe(0);
    const infos = JSON.parse(r.out) as WorkloadInfo[];
    const builtins = Object.keys(BUILTIN_WORKLOADS).sort();
    expect(infos.slice(0, builtins.length).map((w) => w.name)).toEqual(builtins);
    expect(infos.filter((w) => w.isDefault).map((w) => w.name).sort()).toEqual([...DEFAULT_WORKLOADS].sort());
    expect(infos.find((w) => w.name === 'redis-bench')).toEqual(expect.objectContaining({ source: expect.stringMatching(/catalog$/), isDefault: false }));
    // AND each param has its type, default and what is allowed
    expect(infos.find((w) => w.name === 'cpu')!.params).toContainEqual({
      key: 'cpu-load-percent', type: 'int', default: '100', allowed: 'an integer from 1 to 100', description: expect.any(String),
    });
  });

  it('prints a table per workload, with the entries of the configured catalog', async () => {
    // GIVEN a catalog next to virtwork.yaml
    writeFiles(dir, {
      'virtwork.yaml': '{}\n',
      'catalog/hello/workload.yaml': 'description: Says hello\nparams:\n  - key: greeting\n    type: string\n    default: hi\n    desc: What to say\n',
      'catalog/hello/hello.service': '[Service]\nExecStart=/usr/bin/echo {{greeting}}\n',
    });

    // WHEN two workloads are listed
    const r = await virtwork(['workloads', 'cpu', 'hello'], dir);

    // THEN each gets a header and a row per param with what is allowed underneath
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cpu \(built-in, default\)\n {2}PARAM +TYPE +DEFAULT +DESCRIPTION\n {2}cpu-load-percent +int +100 +Target CPU load/);
    expect(r.out).toMatch(/^ +allowed: an integer from 1 to 100$/m);
    expect(r.out).toMatch(new RegExp(`^hello \\(catalog: ${dir}/catalog\\): Says hello\\n {2}PARAM`, 'm'));
  });

  it('fails when a listed catalog entry cannot be loaded, after listing it', async () => {
    // GIVEN a catalog entry whose manifest is broken
    writeFiles(dir, {
      'virtwork.yaml': '{}\n',
      'catalog/broken/workload.yaml': 'params: 3\n',
      'catalog/broken/broken.service': '[Service]\nExecStart=/usr/bin/true\n',
    });

    // WHEN it is listed, by name and as part of everything
    for (const args of [['workloads', 'broken'], ['workloads']]) {
      const r = await virtwork(args, dir);

      // THEN it is shown as not loadable and the exit code says so, with one line naming it
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^broken \(catalog: .*\)\n {2}cannot be loaded: /m);
      expect(r.err).toBe('virtwork: catalog entry broken cannot be loaded (see above; `virtwork validate broken` says why)\n');
    }
  });

  it('fails when a name is unknown', async () => {
    const r = await virtwork(['workloads', 'cppu'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^virtwork: unknown workload "cppu" \(did you mean "cpu"\?\); available: chaos-disk, /);
  });
});

describe('formatWorkloads', () => {
  it('says when a workload has no params or cannot be loaded', () => {
    expect(formatWorkloads([
      { name: 'a', source: 'built-in', isDefault: false, params: [] },
      { name: 'b', source: '/c', isDefault: false, params: [], error: 'bad\nworse' },
    ])).toBe('a (built-in)\n  no params\n\nb (catalog: /c)\n  cannot be loaded: bad\n  worse\n');
  });
});
