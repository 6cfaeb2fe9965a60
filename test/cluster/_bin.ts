import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** How the bin ended. */
export interface Exit {
  readonly code: number | null;
  /** Set when a signal ended it. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  readonly ms: number;
  /** When it exited (Date.now()). */
  readonly endedAt: number;
}

/** Options of {@link runBin}. */
export interface BinOptions {
  /** Acts on the running process whenever stdout grows. */
  readonly onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
  /** Called once the process is spawned (e.g. to send it a signal later). */
  readonly onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void;
  /** Extra environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory. @default the project root */
  readonly cwd?: string;
  /** Run the compiled bin of `npm run build` (build/bin/virtwork-apply.js, client-node linked) instead of the sources. */
  readonly compiled?: boolean;
}

/** Runs the real bin (`node --import tsx bin/virtwork-apply.ts …`, or the compiled one) as a subprocess. */
export function runBin(args: readonly string[], options: BinOptions = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const bin = options.compiled ? [path.join(ROOT, 'build', 'bin', 'virtwork-apply.js')] : ['--import', 'tsx', path.join(ROOT, 'bin', 'virtwork-apply.ts')];
    const child = spawn(process.execPath, [...bin, ...args], {
      cwd: options.cwd ?? ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = (s: NodeJS.Signals): void => void child.kill(s);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, kill);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('spawn', () => options.onSpawn?.(kill));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started, endedAt: Date.now() }));
  });
}
