import { resolve } from 'node:path';
import { makeSealer, previousSealedValues, readSealingCert, withSealer } from '../render/sealed-secrets';
import type { SynthInput } from '../render/synth';
import type { MergedConfig } from './merge';

/**
 * `input` with a sealer when the configuration names a `sealed-secrets-cert` (read relative to where it was given),
 * reusing the sealed values already in `outdir` when given; `input` unchanged otherwise.
 */
export function sealInput(input: SynthInput, merged: MergedConfig, outdir?: string): SynthInput {
  const path = merged.settings.sealedSecretsCert;
  if (path === undefined) return input;
  const origin = merged.origins.sealedSecretsCert;
  const cert = readSealingCert(resolve(origin?.dir ?? merged.cwd, path), origin?.where ?? 'sealed-secrets-cert');
  return withSealer(input, makeSealer(cert, outdir === undefined ? new Map() : previousSealedValues(outdir)));
}
