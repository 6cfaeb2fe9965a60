import { ApiObject, Testing } from 'cdk8s';
import { ANNOTATION_PARAMS_HASH, ANNOTATION_VERSION, addProvenance, canonicalJson, paramsHash } from '../../lib/vm/provenance';
import { CpuWorkload } from '../../lib/workloads/cpu';
import { K8sObject } from '../support/validators';

describe('paramsHash', () => {
  it('is stable and independent of key order', () => {
    expect(paramsHash('cpu', { a: 1, b: [1, { y: 2, x: 1 }] })).toBe(paramsHash('cpu', { b: [1, { x: 1, y: 2 }], a: 1 }));
    expect(paramsHash('cpu', { a: 1 })).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('differs for other params or another workload', () => {
    const base = paramsHash('cpu', { 'cpu-load-percent': 100 });
    expect(paramsHash('cpu', { 'cpu-load-percent': 50 })).not.toBe(base);
    expect(paramsHash('memory', { 'cpu-load-percent': 100 })).not.toBe(base);
  });

  it('serializes canonically', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
  });
});

describe('addProvenance', () => {
  function synthCpu(params?: Record<string, unknown>): K8sObject[] {
    const chart = Testing.chart();
    const cpu = new CpuWorkload(chart, 'cpu', { params: params as any, migrate: 'all' });
    new ApiObject(cpu, 'extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } });
    addProvenance(chart, { version: '1.2.3', paramsHash: cpu.paramsHash });
    return Testing.synth(chart) as K8sObject[];
  }

  it('annotates every object, the VMI template included, with the version and the params hash', () => {
    // WHEN a workload (VM, Secret, migration, and an object of its own) gets its provenance
    const objs = synthCpu();

    // THEN every object carries both annotations, and so does the VMI template
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Secret', 'VirtualMachine', 'VirtualMachineInstanceMigration']);
    for (const o of objs) {
      expect(o.metadata.annotations).toMatchObject({ [ANNOTATION_VERSION]: '1.2.3', [ANNOTATION_PARAMS_HASH]: expect.stringMatching(/^sha256:/) });
    }
    const vm = objs.find((o) => o.kind === 'VirtualMachine')!;
    expect(vm.spec.template.metadata.annotations).toEqual({ [ANNOTATION_VERSION]: '1.2.3', [ANNOTATION_PARAMS_HASH]: vm.metadata.annotations[ANNOTATION_PARAMS_HASH] });
  });

  it('hashes the resolved params: defaults given explicitly hash like no params, a change hashes differently', () => {
    const hashOf = (params?: Record<string, unknown>) => synthCpu(params)[0].metadata.annotations[ANNOTATION_PARAMS_HASH];
    expect(hashOf({ 'cpu-load-percent': 100, 'cpu-method': 'all' })).toBe(hashOf());
    expect(hashOf({ 'cpu-load-percent': '100' })).toBe(hashOf());
    expect(hashOf({ 'cpu-load-percent': 60 })).not.toBe(hashOf());
  });

  it('fails when the version is not a version', () => {
    expect(() => addProvenance(Testing.chart(), { version: '1.0\nx' })).toThrow('provenance: version must look like a package version (e.g. 1.2.3), got "1.0\\nx"');
  });
});
