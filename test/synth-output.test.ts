// Pins the exact bytes synthesis writes, so that performance work on the pipeline (lib/synth.ts, the VM construct,
// serialization) can be proved not to change a byte. The snapshot holds a sha256 per file; it was generated before the
// synthesis optimizations of issue 19 and must only change when the manifests are meant to change (then run
// `npx jest test/synth-output.test.ts -u` and say why in the commit).
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { SynthInput, buildApp, renderCharts } from '../lib/synth';
import { BENCH_FLEET, OPTIONS_FLEET } from './support/synth-fleets';
import { outOfBandSecretFiles } from '../lib/vm/secrets-out';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** file → { bytes, documents, sha256 } of everything `virtwork synth` would write for `input`. */
function fingerprint(input: SynthInput): Record<string, { bytes: number; documents: number; sha256: string }> {
  const app = buildApp(input);
  const files = new Map([...renderCharts(app), ...[...outOfBandSecretFiles(app)].map(([f, t]) => [`secrets/${f}`, t] as const)]);
  const out: Record<string, { bytes: number; documents: number; sha256: string }> = {};
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    out[name] = { bytes: Buffer.byteLength(text), documents: docs.length, sha256: sha256(text) };
  }
  return out;
}

describe('synthesized bytes (pinned across performance work)', () => {
  it('GIVEN the 1,000-VM bench fleet WHEN synthesized THEN every file is byte-identical to the pinned output', () => {
    expect(fingerprint(BENCH_FLEET)).toMatchSnapshot();
  });

  it('GIVEN every VM option, user-data mode and quoted value WHEN synthesized THEN every file is byte-identical to the pinned output', () => {
    expect(fingerprint(OPTIONS_FLEET)).toMatchSnapshot();
  });
});
