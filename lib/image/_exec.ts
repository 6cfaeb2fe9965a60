import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { VirtworkError } from '../core/errors';

/** Where a build step writes its command output, and the environment it runs with. */
export interface ExecContext {
  /** Log file receiving every command line and its output. */
  readonly log: string;
  /** Extra environment variables (added to the process's). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs `argv` with stdin closed and stdout/stderr appended to the build log; resolves with stdout when it exits 0,
 * else rejects with an error naming `step`, the exit status and the log's last lines.
 */
export function exec(ctx: ExecContext, step: string, argv: readonly string[], opts: { input?: string; capture?: boolean } = {}): Promise<string> {
  appendFileSync(ctx.log, `\n$ ${argv.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...ctx.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => (opts.capture ? out.push(b) : appendFileSync(ctx.log, b)));
    child.stderr!.on('data', (b: Buffer) => appendFileSync(ctx.log, b));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that exits without reading its input: its status says why
      child.stdin.end(opts.input);
    }
    child.on('error', (err) => reject(new VirtworkError(`image build: ${step}: cannot run ${argv[0]}: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const status = signal ? `killed by ${signal}` : `exit status ${code}`;
      reject(new VirtworkError(`image build: ${step} failed (${argv[0]}, ${status}); last lines of ${ctx.log}:\n${_tail(ctx.log, 15)}`));
    });
  });
}

function _tail(path: string, lines: number): string {
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `  ${l}`).join('\n');
}
