import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplyContext } from '../../lib/cli/apply/_session';
import { runVirtworkApply } from '../../lib/cli/virtwork-apply';

/** What one in-process run of `virtwork-apply` printed, and its exit code. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON lines (with `--output json`). */
  readonly events: Array<Record<string, any>>;
}

/** Options of {@link runApplyCli}. */
export interface RunOptions {
  /** Aborts the run like SIGINT would. */
  readonly signal?: AbortSignal;
  /** Standard input is a terminal, and this is the line typed. */
  readonly answer?: string;
  /** Environment (KUBECONFIG, VIRTWORK_AUDIT_DB…). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A scratch directory removed by the caller. */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `virtwork-${prefix}-`));
}

/** Runs `virtwork-apply args…` in-process and collects its output. */
export async function runApplyCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const ctx: ApplyContext = {
    env: options.env ?? { HOME: os.tmpdir() },
    cwd: process.cwd(),
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    errIsTty: false,
    stdinIsTty: options.answer !== undefined,
    readLine: async () => options.answer ?? '',
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await runVirtworkApply(args, ctx);
  const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  return { code, stdout, stderr, events };
}
