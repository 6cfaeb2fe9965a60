// The import graph of lib/ and the checks the architecture test runs on it (test/architecture/layers.test.ts).
// Pure functions over a graph, plus one reader that builds the graph from the files with the TypeScript parser.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** A file (repo-relative, `lib/vm/storage.ts`) → the lib files it imports (same form), sorted. */
export type Graph = ReadonlyMap<string, readonly string[]>;

/** One layer of lib/: the folders (or single files) it holds and its rank; a file may import only lower ranks. */
export interface Layer {
  readonly name: string;
  readonly rank: number;
  readonly paths: readonly string[];
  readonly what: string;
  /** The only layers that may import this one (by name); any layer above it when not given. */
  readonly onlyFrom?: readonly string[];
}

/** The module specifiers a file names: imports, re-exports, `import x = require()`, `require()`, `import()`, `jest.mock()`, import types. */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const literal = specifierOf(node);
    if (literal) found.push(literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const JEST_MODULE_CALLS = new Set(['mock', 'doMock', 'unmock', 'dontMock', 'requireActual', 'requireMock', 'createMockFromModule', 'setMock']);

/** The string literal naming a module at this node, if the node is one that names a module. */
export function specifierOf(node: ts.Node): ts.StringLiteralLike | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) return node.moduleSpecifier;
  if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) return node.expression;
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteralLike(node.argument.literal)) return node.argument.literal;
  if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
    const callee = node.expression;
    const named =
      callee.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(callee) && callee.text === 'require') ||
      (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
        ((callee.expression.text === 'require' && callee.name.text === 'resolve') || (callee.expression.text === 'jest' && JEST_MODULE_CALLS.has(callee.name.text))));
    if (named) return node.arguments[0];
  }
  return undefined;
}

/** Every `.ts` file below `dir` (declaration files left out), repo-relative with forward slashes, sorted. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** The file a relative specifier written in `from` names (`x.ts`, or `x/index.ts`), or undefined when it is not one of `files`. */
export function resolveSpecifier(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.(js|ts)$/, '');
  return [`${base}.ts`, `${base}/index.ts`].find((f) => files.has(f));
}

/** The import graph of the `.ts` files below `dir` (edges to files outside it are left out). */
export function importGraph(root: string, dir = 'lib'): Graph {
  const files = sourceFiles(root, dir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = moduleSpecifiers(file, text)
      .map((s) => resolveSpecifier(file, s, known))
      .filter((t): t is string => t !== undefined && t !== file);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** The packages each `.ts` file below `dir` imports (`@scope/name` or `name`, subpaths and `node:` builtins left out). */
export function packageImports(root: string, dir = 'lib'): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const file of sourceFiles(root, dir)) {
    const names = moduleSpecifiers(file, readFileSync(join(root, file), 'utf8'))
      .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:'))
      .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'));
    out.set(file, [...new Set(names)].sort());
  }
  return out;
}

/** Imports of a package outside the layers that own it (`owners`: package → layer names). */
export function packageProblems(imports: ReadonlyMap<string, readonly string[]>, owners: Readonly<Record<string, readonly string[]>>, layers: readonly Layer[]): string[] {
  const problems: string[] = [];
  for (const [file, packages] of imports) {
    const layer = layerOf(layers, file)?.name ?? '(no layer)';
    for (const pkg of packages) {
      const allowed = owners[pkg];
      if (allowed && !allowed.includes(layer)) problems.push(`${file} (${layer}) imports ${pkg}, which only ${allowed.join(', ')} may import`);
    }
  }
  return problems;
}

/** Tarjan's strongly connected components; returns only those that are cycles (two or more files, or a self-import). */
export function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One concrete loop through a strongly connected component, for the message: `a → b → c → a`. */
export function cyclePath(graph: Graph, component: readonly string[]): string[] {
  const inside = new Set(component);
  const start = component[0];
  // breadth-first from start back to start, inside the component only
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = previous.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}

/** The layer holding `file`: the one whose path is the longest prefix of it (a folder `lib/vm/` or a file `lib/index.ts`). */
export function layerOf(layers: readonly Layer[], file: string): Layer | undefined {
  let best: Layer | undefined;
  let bestLength = -1;
  for (const layer of layers) {
    for (const path of layer.paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && path.length > bestLength) {
        best = layer;
        bestLength = path.length;
      }
    }
  }
  return best;
}

/** Files that belong to no layer, and imports that do not go strictly down the ranks (the same layer may import itself). */
export function layerProblems(graph: Graph, layers: readonly Layer[]): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(layers, from);
    if (!a) {
      problems.push(`${from}: in no layer (put it in one of the layer folders, or add it to LAYERS)`);
      continue;
    }
    for (const to of targets) {
      const b = layerOf(layers, to);
      if (!b || a === b) continue;
      if (b.rank >= a.rank) {
        const how = b.rank === a.rank ? 'beside it' : 'above it';
        problems.push(`${from} (${a.name}, rank ${a.rank}) imports ${to} (${b.name}, rank ${b.rank}, ${how})`);
      } else if (b.onlyFrom && !b.onlyFrom.includes(a.name)) {
        problems.push(`${from} (${a.name}) imports ${to} (${b.name}, which only ${b.onlyFrom.join(', ')} may import)`);
      }
    }
  }
  return problems;
}

/** Files of `lines` lines or more. */
export function longFiles(root: string, files: Iterable<string>, lines: number): string[] {
  const out: string[] = [];
  for (const file of files) {
    const count = readFileSync(join(root, file), 'utf8').replace(/\n$/, '').split('\n').length;
    if (count >= lines) out.push(`${file}: ${count} lines (the limit is under ${lines})`);
  }
  return out;
}

/** The repository root, seen from this file. */
export const REPO_ROOT = dirname(dirname(__dirname));
