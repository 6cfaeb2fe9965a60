import { Manifest, parseManifestText } from '../../lib/cluster/manifests';
import { newRunId, relocate, resolveRunId, stampRunId } from '../../lib/cluster/run-id';
import { synthesize } from '../../lib/render/synth';

/** The manifests `virtwork synth` makes for 1 cpu VM, parsed as virtwork-apply reads them. */
function synthManifests(runId?: string): Manifest[] {
  const files = synthesize({ namespace: 'ns', runId, workloads: [{ name: 'cpu', vmCount: 1 }] });
  return [...files].filter(([f]) => f !== 'kustomization.yaml').flatMap(([file, text]) => parseManifestText(text, file));
}

describe('newRunId', () => {
  it('is run-<utc date>-<utc time>-<4 hex>: sortable, readable, a valid label value', () => {
    expect(newRunId(new Date('2026-07-01T09:30:12.345Z'), Buffer.from([0xab, 0x12]))).toBe('run-20260701-093012-ab12');
    expect(newRunId()).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{4}$/);
  });
});

describe('resolveRunId', () => {
  it('uses the run id the manifests carry', () => {
    expect(resolveRunId(synthManifests('perf-1'), undefined)).toEqual({ runId: 'perf-1', source: 'manifests' });
  });

  it('prefers --run-id', () => {
    expect(resolveRunId(synthManifests('perf-1'), 'perf-2')).toEqual({ runId: 'perf-2', source: 'flag' });
  });

  it('makes a fresh one when the manifests carry none', () => {
    const bare = parseManifestText('apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n', 'x.yaml');
    expect(resolveRunId(bare, undefined, () => 'run-fresh')).toEqual({ runId: 'run-fresh', source: 'fresh' });
  });

  it('fails when the manifests carry several run ids', () => {
    const two = [...synthManifests('a'), ...parseManifestText('apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns, labels: {virtwork/run-id: b}}\n', 'x.yaml')];
    expect(() => resolveRunId(two, undefined)).toThrow(/^the manifests carry 2 different virtwork\/run-id labels: "a" \(.* document 1\), "b" \(x.yaml document 1\); pass --run-id to choose the run id of this apply$/);
  });

  it('fails when --run-id is not a label value', () => {
    expect(() => resolveRunId([], '$(reboot)')).toThrow('--run-id must be a valid label value (at most 63 characters: letters, digits, \'-\', \'_\', \'.\', starting and ending with a letter or digit), got "$(reboot)"');
  });
});

describe('stampRunId', () => {
  it('labels every object, the VM template and the DataVolume templates; the Namespace gets managed-by only', () => {
    // GIVEN synthesized manifests and a hand-written VM with a DataVolume template and no labels at all
    const vm = parseManifestText([
      'apiVersion: kubevirt.io/v1', 'kind: VirtualMachine', 'metadata: {name: vm, namespace: ns}',
      'spec: {runStrategy: Always, template: {spec: {}}, dataVolumeTemplates: [{metadata: {name: dv}, spec: {}}]}',
    ].join('\n'), 'vm.yaml');
    const input = [...synthManifests('default'), ...vm];
    const before = structuredClone(input);

    // WHEN stamped with a new run id
    const stamped = stampRunId(input, 'run-2');

    // THEN the input is untouched and every object carries the labels
    expect(input).toEqual(before);
    for (const { object } of stamped) {
      expect(object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('virtwork');
      expect(object.metadata.labels?.['virtwork/run-id']).toBe(object.kind === 'Namespace' ? undefined : 'run-2');
    }
    const handWritten = stamped.find((m) => m.object.metadata.name === 'vm')!.object as any;
    expect(handWritten.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'run-2' });
    expect(handWritten.spec.dataVolumeTemplates[0].metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/run-id': 'run-2' });
    const synthVm = stamped.find((m) => m.object.kind === 'VirtualMachine' && m.object.metadata.name === 'virtwork-cpu-0')!.object as any;
    expect(synthVm.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'cpu', 'virtwork/run-id': 'run-2' });
    expect(stamped.map((m) => [m.object.kind, m.object.metadata.labels])).toMatchSnapshot();
  });
});

describe('relocate', () => {
  it('moves namespaced objects into the namespace and renames the Namespace', () => {
    const input = synthManifests();
    const before = structuredClone(input);
    const moved = relocate([...input, ...input.filter((m) => m.object.kind === 'Namespace')], 'elsewhere', (m) => m.object.kind !== 'Namespace');
    expect(input).toEqual(before); // copies: the input is untouched
    expect(moved).toHaveLength(input.length); // a second Namespace collapses into the first
    expect(moved.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata.name)).toEqual(['elsewhere']);
    expect(moved.filter((m) => m.object.kind !== 'Namespace').every((m) => m.object.metadata.namespace === 'elsewhere')).toBe(true);
  });

  it('fails when the namespace is not a DNS label', () => {
    expect(() => relocate([], 'Bad_NS', () => true)).toThrow('--namespace must be a DNS-1123 label');
  });
});
