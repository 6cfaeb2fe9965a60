import { writeDist } from './dist-writer';
import { SynthInput, synthesize } from './synth';

/** Result of {@link renderToDir}. */
export interface RenderResult {
  /** Directory written. */
  readonly outdir: string;
  /** File names written, sorted. */
  readonly files: readonly string[];
}

/**
 * Synthesizes `input` and replaces `outdir` with the result. Everything is validated and rendered in
 * memory before the first byte is written, so bad input leaves `outdir` untouched.
 */
export function renderToDir(input: SynthInput, outdir: string): RenderResult {
  const files = synthesize(input);
  writeDist(outdir, files);
  return { outdir, files: [...files.keys()].sort() };
}
