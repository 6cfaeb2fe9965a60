import { CommanderError } from 'commander';
import { VirtworkError } from '../errors';

/** Exit codes shared by the CLIs (documented in docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs a CLI body and exits from one place: input errors print one line (no stack trace) and exit 1,
 * usage errors exit 2, anything unexpected prints its stack and exits 1.
 */
export async function runMain(prog: string, body: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof VirtworkError) {
      process.stderr.write(`${prog}: ${err.message}\n`);
      code = EXIT.failure;
    } else {
      process.stderr.write(`${prog}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      code = EXIT.failure;
    }
  }
  process.exit(code);
}
