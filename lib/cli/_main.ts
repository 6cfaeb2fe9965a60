import { CommanderError } from 'commander';
import { VirtworkError } from '../errors';

/** Exit codes shared by the CLIs (documented in docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs a CLI body and exits from one place: input errors print one line (no stack trace) and exit 1,
 * usage errors exit 2, anything unexpected prints its stack and exits 1.
 */
export async function runMain(prog: string, body: () => Promise<number | void>): Promise<never> {
  process.exit(await runCli(prog, body));
}

/** runMain without the exit: returns the exit code (tests run a program in-process with it). */
export async function runCli(
  prog: string,
  body: () => Promise<number | void>,
  writeErr: (text: string) => void = (text) => void process.stderr.write(text),
): Promise<number> {
  try {
    return (await body()) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof VirtworkError) {
      writeErr(`${prog}: ${err.message}\n`);
      return EXIT.failure;
    }
    writeErr(`${prog}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}
