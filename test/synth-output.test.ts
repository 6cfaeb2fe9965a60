// Pins the exact bytes synthesis writes, so that performance work on the pipeline (lib/render/synth.ts, the VM construct,
// serialization) can be proved not to change a byte, two ways: the output equals cdk8s's own rendering serialized
// with plain yaml (the pipeline before issue 19's optimizations), and a sha256 per file (the snapshot, generated before
// those optimizations). The snapshot must only change when the manifests are meant to change: then run
// `npx jest test/synth-output.test.ts -u`, check that the first test still passes, and say why in the commit.
import { createHash } from 'node:crypto';
import { parseAllDocuments, stringify } from 'yaml';
import { App } from 'cdk8s';
import { KUSTOMIZATION_FILE, buildApp, renderCharts } from '../lib/render/synth';
import { BENCH_FLEET, OPTIONS_FLEET } from './support/synth-fleets';
import { outOfBandSecretFiles } from '../lib/render/secrets-out';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The pipeline without any shortcut: every chart's `chart.toJson()` (cdk8s itself), each object through yaml.stringify. */
function reference(app: App): Map<string, string> {
  return new Map(app.charts.map((c) => [`${c.node.id}.yaml`, c.toJson().map((o) => stringify(o, { lineWidth: 0, blockQuote: 'literal' })).join('---\n')]));
}

/** file → { bytes, documents, sha256 } of `files`. */
function fingerprint(files: Map<string, string>): Record<string, { bytes: number; documents: number; sha256: string }> {
  const out: Record<string, { bytes: number; documents: number; sha256: string }> = {};
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    out[name] = { bytes: Buffer.byteLength(text), documents: docs.length, sha256: sha256(text) };
  }
  return out;
}

describe.each([['the 1,000-VM bench fleet', BENCH_FLEET], ['every VM option, user-data mode and quoted value', OPTIONS_FLEET]])(
  'synthesized bytes of %s (pinned across performance work)',
  (_name, input) => {
    let app: App;
    let files: Map<string, string>;
    beforeAll(() => {
      // WHEN synthesized (the manifests, and the Secrets --secrets-out would write)
      app = buildApp(input);
      files = new Map([...renderCharts(app), ...[...outOfBandSecretFiles(app)].map(([f, t]) => [`secrets/${f}`, t] as const)]);
    });

    it('THEN every manifest file equals cdk8s\'s own rendering serialized with plain yaml', () => {
      const expected = reference(app);
      const manifests = [...files.keys()].filter((f) => f !== KUSTOMIZATION_FILE && !f.startsWith('secrets/'));
      expect(manifests).toEqual([...expected.keys()]);
      for (const [file, text] of expected) expect(files.get(file) === text ? file : `${file} differs`).toBe(file);
    });

    it('THEN every file is byte-identical to the pinned output', () => {
      expect(fingerprint(files)).toMatchSnapshot();
    });
  },
);
