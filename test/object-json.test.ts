import { ApiObject, ApiObjectMetadata, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { defaultResolvers, objectJson } from '../lib/render/_object-json';
import { buildApp } from '../lib/render/synth';
import { BENCH_FLEET, OPTIONS_FLEET } from './support/synth-fleets';

/** Every ApiObject below `app`. */
const apiObjects = (app: App): ApiObject[] => app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);

describe('objectJson (cdk8s toJson() without the generic resolver)', () => {
  it.each([['the every-option fleet', OPTIONS_FLEET], ['the 1,000-VM bench fleet', BENCH_FLEET]])(
    'GIVEN %s WHEN every object is rendered THEN each equals its own toJson(), key order included',
    (_name, input) => {
      const app = buildApp(input);
      const objects = apiObjects(app);
      expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['Namespace', 'Secret', 'VirtualMachine', 'Service', 'ExternalSecret', 'VirtualMachineInstanceMigration'].filter((k) => objects.some((o) => o.kind === k))));
      for (const o of objects) {
        // JSON.stringify compares key order as well as values
        expect(JSON.stringify(objectJson(o))).toBe(JSON.stringify(o.toJson()));
      }
    },
  );

  it('GIVEN Lazy values, number-or-string unions, nulls and nested arrays THEN the result equals toJson()', () => {
    const chart = new Chart(new App(), 'c');
    const obj = new ApiObject(chart, 'o', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { b: '1', a: '2' } },
      zeta: Lazy.any({ produce: () => ({ y: [1, null, { d: undefined, c: 'k' }], x: Lazy.any({ produce: () => 'deep' }) }) }),
      alpha: [[{ q: k8s.Quantity.fromString('2Gi') }], k8s.IntOrString.fromNumber(3)],
      gone: undefined, nothing: null,
    });
    expect(JSON.stringify(objectJson(obj))).toBe(JSON.stringify(obj.toJson()));
  });

  it('GIVEN metadata with empty maps and lists at every depth, extra fields and labels added later THEN the result equals toJson()', () => {
    const chart = new Chart(new App(), 'c');
    for (const metadata of <ApiObjectMetadata[]>[
      { name: 'x', labels: {}, annotations: {}, finalizers: [] },
      { generateName: 'g-', uid: 'u', labels: { z: 'a', b: '' }, ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u', deep: { empty: {}, list: [] } } as never] },
      { name: 'y', finalizers: ['f'], annotations: { lazy: Lazy.any({ produce: () => 'v' }) as never }, managedFields: [] as never, extra: { a: [{}] } as never },
    ]) {
      const obj = new ApiObject(chart, `o${chart.node.children.length}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata });
      obj.metadata.addLabel('later', 'l');
      obj.metadata.addFinalizers('g');
      expect(JSON.stringify(objectJson(obj))).toBe(JSON.stringify(obj.toJson()));
    }
  });

  it('GIVEN a JSON patch, a subclass or a custom resolver THEN it is cdk8s itself that renders the object', () => {
    const app = new App({ resolvers: [{ resolve: (c: ResolutionContext) => c.value === 'swap' && c.replaceValue('swapped') } as IResolver] });
    const chart = new Chart(app, 'c');
    const custom = new ApiObject(chart, 'custom', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'swap' } });
    expect(defaultResolvers(app)).toBe(false);
    expect(objectJson(custom)).toEqual(expect.objectContaining({ data: { k: 'swapped' } }));

    const plain = new Chart(new App(), 'p');
    const patched = new k8s.KubeSecret(plain, 's', { metadata: { name: 's' }, stringData: { a: 'b' } });
    patched.addJsonPatch(JsonPatch.add('/stringData/c', 'd'));
    expect(objectJson(patched)).toEqual(patched.toJson());
    expect(objectJson(patched)).toEqual(expect.objectContaining({ stringData: { a: 'b', c: 'd' } }));

    class Shouted extends ApiObject {
      public override toJson(): any {
        return { ...super.toJson(), shouted: true };
      }
    }
    const sub = new Shouted(plain, 'sub', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(objectJson(sub)).toEqual(expect.objectContaining({ shouted: true }));
  });

  it('fails as cdk8s fails, naming the construct, when a value cannot be rendered', () => {
    const chart = new Chart(new App(), 'c');
    const bad = new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', data: new Map([['a', 'b']]) as never });
    expect(() => objectJson(bad)).toThrow(/Failed serializing construct at path 'c\/bad'/);
  });
});
