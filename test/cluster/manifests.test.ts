import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeObject, parseManifestText, readManifests } from '../../lib/cluster/manifests';
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
    ['a scalar', '42\n', 'f.yaml document 1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), got 42'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', 'f.yaml document 1: kind must be a non-empty string, got undefined'],
    ['no name', 'apiVersion: v1\nkind: Secret\nmetadata: {}\n', 'f.yaml document 1: Secret: metadata.name must be a non-empty string, got undefined'],
    ['non-string labels', 'apiVersion: v1\nkind: Secret\nmetadata: {name: a, labels: {x: 1}}\n', 'f.yaml document 1: Secret a: metadata.labels must map strings to strings, got {"x":1}'],
    ['a List without a list of items', 'apiVersion: v1\nkind: List\nitems: 3\n', 'f.yaml document 1: List.items must be a list, got 3'],
  ])('fails on %s, naming the file and the document', (_, text, message) => {
    expect(() => parseManifestText(text, 'f.yaml')).toThrow(message);
  });
});
