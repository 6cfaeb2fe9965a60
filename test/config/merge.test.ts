import { FileLayer } from '../../lib/config/loader';
import { EMPTY_LAYER, InputLayer, mergeLayers, workloadParams, workloadSettings } from '../../lib/config/merge';
import { SETTINGS } from '../../lib/config/schema';
import { DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';

const file = (o: Partial<FileLayer> = {}): FileLayer => ({ path: 'virtwork.yaml', dir: '/repo', settings: {}, workloads: new Map(), ...o });
const layer = (settings: InputLayer['settings'], where: InputLayer['where'] = {}, more: Partial<InputLayer> = {}): InputLayer => ({ settings, where, ...more });

describe('mergeLayers', () => {
  it('applies the defaults when nothing is given', () => {
    const m = mergeLayers({ env: EMPTY_LAYER, flags: EMPTY_LAYER, cwd: '/cwd' });
    expect(m.settings).toEqual(Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, (s as { default?: unknown }).default])));
    expect(m.origins).toEqual({});
    expect(m.selection.map((s) => s.name)).toEqual(DEFAULT_WORKLOADS);
  });

  it.each([
    ['flag', { memory: '1Gi' }, { memory: '2Gi' }, { memory: '3Gi' }, '1Gi', '--memory', '/cwd'],
    ['env', {}, { memory: '2Gi' }, { memory: '3Gi' }, '2Gi', 'VIRTWORK_MEMORY', '/cwd'],
    ['file', {}, {}, { memory: '3Gi' }, '3Gi', 'virtwork.yaml: memory', '/repo'],
  ])('lets the %s win: flags > env > file > defaults', (source, flags, env, fileSettings, value, where, dir) => {
    const m = mergeLayers({
      flags: layer(flags, { memory: '--memory' }), env: layer(env, { memory: 'VIRTWORK_MEMORY' }), file: file({ settings: fileSettings }), cwd: '/cwd',
    });
    expect(m.settings.memory).toBe(value);
    expect(m.origins.memory).toEqual({ source, where, dir });
  });

  it('selects --workloads, else VIRTWORK_WORKLOADS, else the defaults changed by enabled', () => {
    const workloads = new Map([
      ['memory', { enabled: false, settings: {} }],
      ['chaos-disk', { enabled: true, settings: {} }],
      ['disk', { settings: {} }],
    ]);
    const byFile = mergeLayers({ env: EMPTY_LAYER, flags: EMPTY_LAYER, file: file({ workloads }), cwd: '/' }).selection;
    expect(byFile.map((s) => s.name)).toEqual([...DEFAULT_WORKLOADS.filter((w) => w !== 'memory'), 'chaos-disk']);
    expect(byFile.at(-1)).toEqual({ name: 'chaos-disk', where: 'virtwork.yaml: workloads.chaos-disk' });
    const env = layer({}, {}, { workloads: { names: ['tps'], where: 'VIRTWORK_WORKLOADS' } });
    expect(mergeLayers({ env, flags: EMPTY_LAYER, file: file({ workloads }), cwd: '/' }).selection).toEqual([{ name: 'tps', where: 'VIRTWORK_WORKLOADS' }]);
    const flags = layer({}, {}, { workloads: { names: ['memory', 'cpu'], where: '--workloads' } });
    expect(mergeLayers({ env, flags, cwd: '/' }).selection.map((s) => s.name)).toEqual(['memory', 'cpu']);
  });
});

describe('workloadSettings', () => {
  const workloads = new Map([['cpu', { settings: { vmCount: 4, memory: '5Gi' } }]]);

  it('ranks workloads.<name>.<key> above the file\'s top level', () => {
    const m = mergeLayers({ env: EMPTY_LAYER, flags: EMPTY_LAYER, file: file({ settings: { vmCount: 2, memory: '3Gi' }, workloads }), cwd: '/' });
    expect(workloadSettings(m, 'cpu')).toEqual(expect.objectContaining({ vmCount: 4, memory: '5Gi' }));
    expect(workloadSettings(m, 'memory')).toEqual(expect.objectContaining({ vmCount: 2, memory: '3Gi' }));
  });

  it('ranks a variable or flag above workloads.<name>.<key> (they apply to every workload)', () => {
    const m = mergeLayers({ env: layer({ memory: '6Gi' }), flags: layer({ vmCount: 7 }), file: file({ workloads }), cwd: '/' });
    expect(workloadSettings(m, 'cpu')).toEqual(expect.objectContaining({ vmCount: 7, memory: '6Gi' }));
  });
});

describe('workloadParams', () => {
  it('lists the sources of a workload\'s params, lowest precedence first, each with where it came from', () => {
    const m = mergeLayers({
      file: file({ workloads: new Map([['cpu', { settings: {}, params: { a: 1 } }]]) }),
      env: layer({}, {}, { params: { values: { cpu: { b: '2' } }, where: 'VIRTWORK_PARAMS' } }),
      flags: layer({}, {}, { params: { values: { cpu: { a: '3' }, memory: { c: '4' } }, where: '--params' } }),
      cwd: '/',
    });
    expect(workloadParams(m, 'cpu')).toEqual([
      { where: 'virtwork.yaml: workloads.cpu.params', values: { a: 1 } },
      { where: 'VIRTWORK_PARAMS: cpu', values: { b: '2' } },
      { where: '--params: cpu', values: { a: '3' } },
    ]);
    expect(workloadParams(m, 'disk')).toEqual([]);
  });
});
