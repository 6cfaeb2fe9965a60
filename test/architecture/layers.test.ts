import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Graph, Layer, REPO_ROOT, cyclePath, cycles, importGraph, layerProblems, longFiles, moduleSpecifiers, packageImports, packageProblems, resolveSpecifier,
} from './_graph';
import { LAYERS, MAX_LINES, PACKAGE_OWNERS } from './layers';

// The architecture of lib/ (docs/architecture.md, issue 20): folders are layers, imports go one way, no cycles,
// small files. The first block checks the real tree; the others show that each check can fail.

describe('lib/', () => {
  const graph = importGraph(REPO_ROOT);

  it('has no import cycle', () => {
    // GIVEN the import graph of lib/ (imports, re-exports, import types, require and import() calls)
    // WHEN its strongly connected components are computed
    // THEN none is a cycle (each is printed as a loop when there is one)
    expect(cycles(graph).map((c) => cyclePath(graph, c).join(' → '))).toEqual([]);
  });

  it('imports only down the layers, and every file is in one', () => {
    expect(layerProblems(graph, LAYERS)).toEqual([]);
  });

  it('imports the cluster client and SQLite only in the layers that own them', () => {
    expect(packageProblems(packageImports(REPO_ROOT), PACKAGE_OWNERS, LAYERS)).toEqual([]);
  });

  it(`has no file of ${MAX_LINES} lines or more`, () => {
    expect(longFiles(REPO_ROOT, graph.keys(), MAX_LINES)).toEqual([]);
  });

  it('is read whole: the graph holds every lib file and the imports of a known one', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('lib/index.ts')?.length).toBeGreaterThan(20);
  });
});

describe('the layer table', () => {
  it('names each folder once, and ranks the layers of the issue in order (cli → config → render → workloads → vm → guest → core)', () => {
    const paths = LAYERS.flatMap((l) => l.paths);
    expect(new Set(paths).size).toBe(paths.length);
    const rank = (name: string) => LAYERS.find((l) => l.name === name)!.rank;
    const order = ['cli', 'config', 'render', 'workloads', 'vm', 'guest', 'core'].map(rank);
    expect([...order].sort((a, b) => b - a)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    expect(rank('cluster')).toBe(rank('render'));
    expect(rank('audit')).toBe(rank('render'));
  });

  it('is the table of docs/architecture.md: a row per layer with its rank, naming its folders', () => {
    const rows = readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8').split('\n').filter((l) => /^\| \d+ \| `lib\//.test(l));
    const documented = rows.map((row) => `${row.split(' | ')[0].slice(2)} ${[...row.split(' | ')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]).join(' ')}`);
    expect(documented.sort()).toEqual(LAYERS.map((l) => `${l.rank} ${l.paths.join(' ')}`).sort());
  });
});

describe('cycles', () => {
  it('finds a cycle in a synthetic graph and prints it as a loop', () => {
    // GIVEN a → b → c → a, plus d → a outside the loop and a self-import e → e
    const g: Graph = new Map([
      ['lib/a.ts', ['lib/b.ts']],
      ['lib/b.ts', ['lib/c.ts']],
      ['lib/c.ts', ['lib/a.ts']],
      ['lib/d.ts', ['lib/a.ts']],
      ['lib/e.ts', ['lib/e.ts']],
    ]);
    // WHEN the components are computed
    const found = cycles(g);
    // THEN the loop and the self-import are reported, d is not
    expect(found).toEqual([['lib/a.ts', 'lib/b.ts', 'lib/c.ts'], ['lib/e.ts']]);
    expect(cyclePath(g, found[0])).toEqual(['lib/a.ts', 'lib/b.ts', 'lib/c.ts', 'lib/a.ts']);
  });

  it('finds none in a graph that only branches and joins', () => {
    const g: Graph = new Map([['lib/a.ts', ['lib/b.ts', 'lib/c.ts']], ['lib/b.ts', ['lib/c.ts']], ['lib/c.ts', []]]);
    expect(cycles(g)).toEqual([]);
  });
});

describe('layerProblems', () => {
  const layers: Layer[] = [
    { rank: 0, name: 'core', paths: ['lib/core/'], what: '' },
    { rank: 1, name: 'vm', paths: ['lib/vm/'], what: '' },
    { rank: 1, name: 'other', paths: ['lib/other/'], what: '' },
    { rank: 2, name: 'cluster', paths: ['lib/cluster/'], what: '', onlyFrom: ['cli'] },
    { rank: 3, name: 'api', paths: ['lib/index.ts'], what: '' },
    { rank: 4, name: 'cli', paths: ['lib/cli/'], what: '' },
  ];

  it('fails on an upward import, an import beside, an import of a cli-only layer and a file in no layer', () => {
    // GIVEN a synthetic graph with one edge of each kind
    const g: Graph = new Map([
      ['lib/core/names.ts', ['lib/vm/vm.ts']],
      ['lib/vm/vm.ts', ['lib/core/names.ts', 'lib/vm/options.ts', 'lib/other/x.ts']],
      ['lib/index.ts', ['lib/vm/vm.ts', 'lib/cluster/apply.ts']],
      ['lib/cli/main.ts', ['lib/cluster/apply.ts', 'lib/index.ts']],
      ['lib/loose.ts', []],
    ]);
    // WHEN checked against the layers
    // THEN each bad edge is named with both layers, and the good ones (down, inside a layer, cli → cluster) are not
    expect(layerProblems(g, layers)).toEqual([
      'lib/core/names.ts (core, rank 0) imports lib/vm/vm.ts (vm, rank 1, above it)',
      'lib/vm/vm.ts (vm, rank 1) imports lib/other/x.ts (other, rank 1, beside it)',
      'lib/index.ts (api) imports lib/cluster/apply.ts (cluster, which only cli may import)',
      'lib/loose.ts: in no layer (put it in one of the layer folders, or add it to LAYERS)',
    ]);
  });
});

describe('packageProblems', () => {
  it('fails on a package imported outside the layers that own it', () => {
    const layers: Layer[] = [{ rank: 0, name: 'vm', paths: ['lib/vm/'], what: '' }, { rank: 1, name: 'cluster', paths: ['lib/cluster/'], what: '' }];
    const imports = new Map([['lib/vm/a.ts', ['@kubernetes/client-node', 'cdk8s']], ['lib/cluster/b.ts', ['@kubernetes/client-node']]]);
    expect(packageProblems(imports, { '@kubernetes/client-node': ['cluster'] }, layers)).toEqual([
      'lib/vm/a.ts (vm) imports @kubernetes/client-node, which only cluster may import',
    ]);
  });
});

describe('moduleSpecifiers', () => {
  it('finds every form that names a module, and nothing else', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "import './side-effect';",
      "export * from './c';",
      "export { d } from './d';",
      "import e = require('./e');",
      "const f = require('./f') as typeof import('./f-type');",
      "void import('./g');",
      "jest.mock('./h', () => ({}));",
      "jest.requireActual('./i');",
      "const j = require.resolve('./j');",
      "const notOne = join('lib', 'k.ts');",
      "// import { l } from './l';",
    ].join('\n');
    expect(moduleSpecifiers('x.ts', text)).toEqual(['./a', '../b', './side-effect', './c', './d', './e', './f', './f-type', './g', './h', './i', './j']);
  });
});

describe('resolveSpecifier', () => {
  const files = new Set(['lib/vm/storage.ts', 'lib/catalog/index.ts', 'lib/index.ts']);
  it('resolves a file, a folder index and an extension; leaves packages and unknown files out', () => {
    expect(resolveSpecifier('lib/vm/placement.ts', './storage', files)).toBe('lib/vm/storage.ts');
    expect(resolveSpecifier('lib/index.ts', './catalog', files)).toBe('lib/catalog/index.ts');
    expect(resolveSpecifier('lib/cli/x.ts', '../vm/storage.js', files)).toBe('lib/vm/storage.ts');
    expect(resolveSpecifier('lib/cli/x.ts', '..', files)).toBe('lib/index.ts');
    expect(resolveSpecifier('lib/cli/x.ts', 'cdk8s', files)).toBeUndefined();
    expect(resolveSpecifier('lib/cli/x.ts', '../../imports/kubevirt.io', files)).toBeUndefined();
  });
});

describe('importGraph and longFiles on a directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vw-arch-'));
    mkdirSync(join(root, 'lib', 'core'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the files below lib/ (declaration files left out) and reports a long one', () => {
    // GIVEN two files that import each other, a declaration file and a file of 300 lines
    writeFileSync(join(root, 'lib', 'a.ts'), "import { b } from './core/b';\nexport const a = b;\n");
    writeFileSync(join(root, 'lib', 'core', 'b.ts'), "import { a } from '../a';\nexport const b = 1;\nvoid a;\n");
    writeFileSync(join(root, 'lib', 'core', 'c.d.ts'), "import { a } from '../a';\n");
    writeFileSync(join(root, 'lib', 'long.ts'), 'export const x = 1;\n'.repeat(300));
    // WHEN read
    const g = importGraph(root);
    // THEN the graph has the three sources and the cycle, and the long file is reported
    expect([...g.keys()]).toEqual(['lib/a.ts', 'lib/core/b.ts', 'lib/long.ts']);
    expect(cycles(g)).toEqual([['lib/a.ts', 'lib/core/b.ts']]);
    expect(longFiles(root, g.keys(), 300)).toEqual(['lib/long.ts: 300 lines (the limit is under 300)']);
  });
});
