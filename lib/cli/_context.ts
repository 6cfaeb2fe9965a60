import type { Environment } from '../config/setting';

/** What a command reads from and writes to, so tests can run the program in-process. */
export interface CliContext {
  /** Environment (`process.env`). */
  readonly env: Environment;
  /** Working directory. */
  readonly cwd: string;
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
}

/** The context of the running process. */
export function processContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
}
