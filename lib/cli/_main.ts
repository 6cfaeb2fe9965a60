import { CommanderError } from 'commander';
import { UsageError, VirtworkError } from '../core/errors';

/**
 * Exit codes shared by both CLIs (the table in docs/cli.md): 0 ok, 1 error, 2 usage (the command line is wrong),
 * 3 VMs not ready (virtwork-apply wait / apply --wait), 4 signals flat or missing (virtwork-apply check-signals),
 * 130 interrupted (SIGINT / SIGTERM).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, notReady: 3, signalsMissing: 4, interrupted: 130 } as const;

/** The exit codes as `--help` shows them (both CLIs; docs/cli.md has the table). */
export const EXIT_CODES_HELP = 'Exit codes: 0 success, 1 error (bad input, failed check; one line per problem on stderr), ' +
  '2 usage error (unknown command or flag, missing or extra argument, a flag value of the wrong type), ' +
  '3 VMs not ready, 4 signals missing (virtwork-apply), 130 interrupted. See docs/cli.md.';

/**
 * Runs a CLI body and exits from one place: input errors print one line per problem (no stack trace) and exit 1,
 * usage errors exit 2, anything unexpected prints its stack and exits 1.
 */
export async function runMain(prog: string, body: () => Promise<number | void>): Promise<never> {
  process.exit(await runCli(prog, body));
}

/** `prog: ` before every line of `text` (a multi-problem report stays greppable line by line). */
export function prefixLines(prog: string, text: string): string {
  return `${text.split('\n').map((line) => `${prog}: ${line}`).join('\n')}\n`;
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
      writeErr(prefixLines(prog, err.message));
      return err instanceof UsageError ? EXIT.usage : EXIT.failure;
    }
    writeErr(`${prog}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}
