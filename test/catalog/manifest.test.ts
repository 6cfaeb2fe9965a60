import { CATALOG_MANIFEST_SCHEMA, fieldPath, parseManifest } from '../../lib/catalog';
import { DEMO_MANIFEST } from './_helpers';

describe('parseManifest', () => {
  it('accepts a manifest using every key of the format', () => {
    // GIVEN the DEMO manifest WHEN parsed THEN every section comes back typed, with nothing added
    const result = parseManifest(DEMO_MANIFEST);
    expect(result.problems).toEqual([]);
    expect(result.manifest).toMatchObject({
      description: 'Demo entry used by the tests',
      packages: ['demo-common'],
      roles: [{ name: 'server', packages: ['demo-server'] }, { name: 'client' }],
      storage: [{ name: 'demo-data', size: '1Gi', serial: 'vw-demo', mount: '/var/lib/demo', roles: ['server'] }],
      service: { ports: [{ name: 'demo', port: 7000 }], 'selector-role': 'server' },
    });
    expect(result.manifest!.params!.map((p) => [p.key, p.type, p.default])).toEqual([
      ['threads', 'int', 4], ['mode', 'enum', 'fast'], ['label', 'string', 'demo'], ['verbose', 'bool', false],
      ['tests', 'list', ['set', 'get']], ['opts', 'dict', { a: '1', b: 'two' }],
    ]);
  });

  it('treats an empty manifest as one with every key left out', () => {
    expect(parseManifest('')).toEqual({ manifest: {}, problems: [] });
    expect(parseManifest('# only a comment\n')).toEqual({ manifest: {}, problems: [] });
  });

  it('fails when keys are unknown at any level, suggesting the closest known key', () => {
    const { problems } = parseManifest('descriptoin: x\nroles:\n  - name: a\n    vmcount: 2\nservice:\n  ports:\n    - {name: p, port: 1, proto: TCP}\n');
    expect(problems).toEqual([
      'roles[0].vmcount: unknown key (did you mean "vm-count"?); allowed keys: name, vm-count, packages',
      'service.ports[0].proto: unknown key; allowed keys: name, port, protocol',
      'descriptoin: unknown key (did you mean "description"?); allowed keys: description, packages, params, roles, storage, service, signals, readiness',
    ]);
  });

  it('fails when a value has the wrong type, naming the field and the value', () => {
    const { problems } = parseManifest('packages: vim\nroles:\n  - name: a\n    vm-count: 1.5\nstorage:\n  - name: d\n    size: 10\n    serial: s\n    mount: /m\n');
    expect(problems).toEqual([
      'packages: must be a list, got "vim"',
      'roles[0].vm-count: must be an integer, got 1.5',
      'storage[0].size: must be a string, got 10',
    ]);
  });

  it('fails when a required field is missing or a list is empty', () => {
    expect(parseManifest('roles: []\nstorage:\n  - name: d\n').problems).toEqual([
      'roles: must list at least one item, got none',
      'storage[0].size: is required',
      'storage[0].serial: is required',
      'storage[0].mount: is required',
    ]);
  });

  it('fails on YAML syntax errors and duplicate keys with the line', () => {
    expect(parseManifest('description: a\ndescription: b\n').problems).toEqual([
      'line 2: invalid YAML: Map keys must be unique (at "description: b")',
    ]);
    expect(parseManifest('params: [\n').problems[0]).toMatch(/^line \d+: invalid YAML: /);
  });

  it('suggests the type name other tools use', () => {
    expect(parseManifest('params:\n  - {key: a, type: boolean, default: true}\n').problems).toEqual([
      'params[0].type: must be one of int, bool, string, enum, list, dict, got "boolean" (did you mean "bool"?)',
    ]);
    expect(parseManifest('params:\n  - {key: a, type: strng, default: x}\n').problems).toEqual([
      'params[0].type: must be one of int, bool, string, enum, list, dict, got "strng" (did you mean "string"?)',
    ]);
  });

  it('is a strict zod schema', () => {
    expect(CATALOG_MANIFEST_SCHEMA.safeParse({ extra: 1 }).success).toBe(false);
    expect(CATALOG_MANIFEST_SCHEMA.safeParse({ description: 'x' }).success).toBe(true);
  });
});

describe('fieldPath', () => {
  it('writes list indices in brackets and keys with dots', () => {
    expect(fieldPath(['service', 'ports', 0, 'name'])).toBe('service.ports[0].name');
    expect(fieldPath([])).toBe('');
  });
});
