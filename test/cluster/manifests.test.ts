import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeObject, Manifest, manifestParts, parseManifestPart, parseManifestText, readManifests } from '../../lib/cluster/manifests';
import { synthCpu } from './_fixtures';
import { scratchDir } from './_run';

describe('readManifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('manifests');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  it('reads every object of every YAML/JSON file below the directory, in path order, with file and document', async () => {
    // GIVEN multi-document files, a nested JSON file, a List, an empty document, kustomization.yaml and a hidden dir
    write('b.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s1, namespace: ns}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns}\n');
    write('a.yml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n');
    write('sub/c.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } }] }));
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yml]\n');
    write('.git/x.yaml', 'not: an object\n');
    write('notes.txt', 'ignored');

    // WHEN read
    const manifests = await readManifests(dir);

    // THEN each object comes with where it was found
    expect(manifests.map((m) => [path.relative(dir, m.file), m.document, describeObject(m.object)])).toEqual([
      ['a.yml', 1, 'Namespace ns'],
      ['b.yaml', 1, 'Secret ns/s1'],
      ['b.yaml', 3, 'Service ns/svc'],
      ['sub/c.json', 1, 'ConfigMap ns/cm'],
    ]);
  });

  it('reads a single file', async () => {
    write('one.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n');
    expect((await readManifests(path.join(dir, 'one.yaml'))).map((m) => m.object.metadata.name)).toEqual(['s']);
  });

  it('fails when the directory does not exist', async () => {
    await expect(readManifests(path.join(dir, 'dist'))).rejects.toThrow(`manifest directory "${path.join(dir, 'dist')}" does not exist (run \`virtwork synth\` to create it, or name another directory)`);
  });

  it('fails when the directory holds no manifest file', async () => {
    write('README.md', '# nothing');
    await expect(readManifests(dir)).rejects.toThrow(`manifest directory "${dir}" holds no *.yaml, *.yml or *.json file`);
  });

  it('fails when an object is defined twice, naming both places', async () => {
    write('a.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n');
    write('b.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n');
    await expect(readManifests(dir)).rejects.toThrow(`${path.join(dir, 'b.yaml')} document 1: Secret ns/s is also defined in ${path.join(dir, 'a.yaml')} document 1`);
  });
});

describe('parseManifestText', () => {
  it.each([
    ['invalid YAML', 'apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\nkind: [unclosed\n', /^f.yaml document 2: invalid YAML: /],
    ['an alias without its anchor', 'apiVersion: v1\nkind: Secret\nmetadata: {name: *a}\n', 'f.yaml document 1: invalid YAML: Unresolved alias (the anchor must be set before the alias): a'],
    ['an alias expanding too far', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`).join('\n')}\n`,
      'f.yaml document 1: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
    ['a scalar', '42\n', 'f.yaml document 1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), got 42'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', 'f.yaml document 1: kind must be a non-empty string, got undefined'],
    ['no name', 'apiVersion: v1\nkind: Secret\nmetadata: {}\n', 'f.yaml document 1: Secret: metadata.name must be a non-empty string, got undefined'],
    ['non-string labels', 'apiVersion: v1\nkind: Secret\nmetadata: {name: a, labels: {x: 1}}\n', 'f.yaml document 1: Secret a: metadata.labels must map strings to strings, got {"x":1}'],
    ['a List without a list of items', 'apiVersion: v1\nkind: List\nitems: 3\n', 'f.yaml document 1: List.items must be a list, got 3'],
  ])('fails on %s, naming the file and the document', (_, text, message) => {
    expect(() => parseManifestText(text, 'f.yaml')).toThrow(message);
  });
});

describe('manifestParts: a manifest text cut into parts of whole documents, to share its parse between two threads', () => {
  /** Each document of `text` as the yaml library parses it alone: its value (or why it has none), or `error`. */
  const documents = (text: string): string[] => parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) return 'error';
    try {
      return JSON.stringify(doc.toJS());
    } catch (err) {
      return `throws ${(err as Error).message}`;
    }
  });
  /** A seeded generator of integers below n (mulberry32): the same texts on every run. */
  const generator = (seed: number) => (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };

  it('parts parse into exactly the documents of the whole text, on 2,000 texts made of what YAML allows around a document marker', () => {
    // GIVEN documents with block, folded, quoted and flow scalars spanning lines, comments only, document ends,
    // directives, anchors and aliases, lines that only look like markers, CRLF, a BOM, and broken ones
    const bodies = ['a: 1\n', '# only a comment\n', '', 'k: |\n  line\n  ---x\n', 'q: "multi\n  line"\n', 'l: [1,\n  2]\n', '...\n',
      'x: "unterminated\n', 'f: [open\n', '---x: 1\n', 'tab:\t1\n', 'a: 1\r\n', '&a x: 1\n', '*a\n', 'b: |\n  text\n\n', 'c: >-\n  folded\n',
      'multi:\n  - 1\n  - 2\n', 'empty:\n', '? complex\n: value\n', 'd: 1 # trailing\n', 'e: "a\n---\nb"\n', 'g: |\n---\n',
      '...\n%YAML 1.2\n---\nz: 1\n', '\ufeffa: 1\n', 'h: |\n  x\n...\n'];
    const markers = ['---\n', '--- \n', '---\t\n', '---\r\n', '--- # c\n', '--- !!map\n', '--- |\n  lit\n', '---', '...\n---\n', '\n---\n'];
    const random = generator(19);
    let cut = 0;
    for (let c = 0; c < 2000; c++) {
      let text = ['', '', '', '# head\n', '---\n', '\n'][random(6)];
      const n = 1 + random(8);
      for (let i = 0; i < n; i++) text += (i > 0 ? markers[random(markers.length)] : '') + bodies[random(bodies.length)];
      // WHEN cut as finely as it can be
      const parts = manifestParts(text, 1 + random(3));
      // THEN nothing is lost, and the parts hold the same documents: the same values, or an error in both
      expect(parts.join('')).toBe(text);
      const whole = documents(text);
      const parted = parts.flatMap(documents);
      if (whole.includes('error')) expect(parted).toContain('error');
      else expect({ text, parted }).toEqual({ text, parted: whole });
      if (parts.length > 1) cut++;
    }
    expect(cut).toBeGreaterThan(1000); // most of the texts were cut
  });

  it('cuts a synthesized file into parts of about the size asked, each but the first starting at a marker, numbered on as one file', () => {
    // GIVEN the cpu.yaml of 40 VMs (80 documents, about 200 KB)
    const dir = scratchDir('parts');
    try {
      const file = path.join(synthCpu(dir, 'fleet', 'parts', 40), 'cpu.yaml');
      const text = fs.readFileSync(file, 'utf8');
      // WHEN cut into parts of 16 KiB and parsed part by part, each numbered on from the documents before it
      const parts = manifestParts(text, 16 * 1024);
      const manifests: Manifest[] = [];
      let before = 0;
      for (const part of parts) {
        const { manifests: objects, documents } = parseManifestPart(part, file, before + 1);
        manifests.push(...objects);
        before += documents;
      }
      // THEN the parts are whole documents of at least that size (the last excepted) and parse as the file does
      expect(parts.length).toBeGreaterThan(5);
      expect(parts.slice(1).every((p) => p.startsWith('---\n'))).toBe(true);
      expect(parts.slice(0, -1).every((p) => p.length >= 16 * 1024)).toBe(true);
      expect(manifests).toEqual(parseManifestText(text, file));
      expect(manifests).toHaveLength(80);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never cuts a text with a directive, nor one smaller than a part', () => {
    const docs = Array.from({ length: 50 }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}}\n`).join('---\n');
    expect(manifestParts(docs, 100)).toHaveLength(25); // two documents of 55 characters each
    expect(manifestParts(`%YAML 1.2\n---\n${docs}`, 100)).toEqual([`%YAML 1.2\n---\n${docs}`]);
    expect(manifestParts(`${docs}...\n%YAML 1.2\n---\na: 1\n`, 100)).toHaveLength(1);
    expect(manifestParts(docs)).toEqual([docs]);
  });
});
