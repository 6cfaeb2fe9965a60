import { Command, Option } from 'commander';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log';
import { openAudit } from '../../audit/open-audit';
import { CancelledError } from '../../cluster/_cancelled';
import { Cluster, connect } from '../../cluster/kubeconfig';
import { UsageError, VirtworkError, show } from '../../core/errors';
import { checkDnsLabel, checkLabelValue } from '../../core/names';
import { CliContext, processContext } from '../_context';
import { EXIT } from '../_main';
import { OUTPUT_FORMATS, OutputFormat, Reporter } from './_reporter';

/** Exit codes of `virtwork-apply` (docs/apply.md). */
export const APPLY_EXIT = {
  ...EXIT,
  /** `wait` (or `apply --wait`): at least one VM failed or was not ready in time. */
  notReady: 3,
  /** Stopped by SIGINT / SIGTERM. */
  interrupted: 130,
} as const;

/** What `virtwork-apply` reads from and writes to; tests run the program in-process with their own. */
export interface ApplyContext extends CliContext {
  /** Standard error is a terminal (live progress line). */
  readonly errIsTty: boolean;
  /** Standard input is a terminal (cleanup may ask for confirmation). */
  readonly stdinIsTty: boolean;
  /** Reads one line of standard input (the confirmation). */
  readonly readLine: () => Promise<string>;
  /** Aborted on SIGINT / SIGTERM: the command stops cleanly. */
  readonly signal: AbortSignal;
}

/** The context of the running process; `signal` is the one the signal handlers abort. */
export function processApplyContext(signal: AbortSignal): ApplyContext {
  return {
    ...processContext(),
    errIsTty: process.stderr.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    readLine: readStdinLine,
    signal,
  };
}

function readStdinLine(): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) finish();
    };
    const finish = (): void => {
      process.stdin.off('data', onData).off('end', finish).pause();
      resolve(text.split('\n')[0]);
    };
    process.stdin.on('data', onData).on('end', finish).resume();
  });
}

/**
 * Aborts `controller` on the first SIGINT / SIGTERM (the command stops cleanly and records `cancelled`); a second
 * signal exits at once with 130.
 */
export function installSignalHandlers(controller: AbortController, err: (text: string) => void): void {
  const onSignal = (name: string): void => {
    if (controller.signal.aborted) {
      err(`\nvirtwork-apply: ${name} again: exiting now\n`);
      process.exit(APPLY_EXIT.interrupted);
    }
    err(`\nvirtwork-apply: ${name}: stopping (send it again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

const GLOBALS = z.object({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  output: z.enum(OUTPUT_FORMATS).default('text'),
  requestTimeout: z.string().optional(),
  auditDb: z.string().min(1).optional(),
  audit: z.boolean().default(true),
});

/** The global options of `virtwork-apply`, parsed. */
export type GlobalOptions = z.infer<typeof GLOBALS>;

/**
 * Parses the global options of a command, and checks the names among them (`-n`) before any request: a bad value is
 * a usage error (exit 2).
 */
export function globalOptions(cmd: Command): GlobalOptions {
  const parsed = GLOBALS.safeParse(cmd.optsWithGlobals());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
  }
  if (parsed.data.namespace !== undefined) asUsage(() => checkDnsLabel('--namespace', parsed.data.namespace!));
  if (parsed.data.requestTimeout !== undefined) parseDuration('--request-timeout', parsed.data.requestTimeout);
  return parsed.data;
}

/** `--dry-run` modes, as kubectl names them. */
export const DRY_RUN_MODES = ['server', 'client', 'none'] as const;
/** A `--dry-run` mode. */
export type DryRunMode = (typeof DRY_RUN_MODES)[number];

/** The `--dry-run <mode>` option of apply and cleanup (a bare `--dry-run` is turned into `--dry-run=server`). */
export function dryRunOption(description: string): Option {
  return new Option('--dry-run <mode>', description).choices([...DRY_RUN_MODES]);
}

/** Checks a `--run-id` (or other label-valued flag) before any request: a bad value is a usage error (exit 2). */
export function checkLabelFlag(flag: string, value: string | undefined): void {
  if (value !== undefined) asUsage(() => checkLabelValue(flag, value));
}

function asUsage(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (err instanceof VirtworkError && !(err instanceof UsageError)) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/**
 * Connects to the cluster the global options select; every retry of a request is reported: a line on stderr
 * (text output) or a `retry` event (JSON output).
 */
export function connectFrom(g: GlobalOptions, ctx: ApplyContext, reporter: Reporter): Cluster {
  const requestTimeoutMs = g.requestTimeout !== undefined ? parseDuration('--request-timeout', g.requestTimeout) : undefined;
  return connect({
    kubeconfig: g.kubeconfig, context: g.context, env: ctx.env, signal: ctx.signal, requestTimeoutMs,
    onRetry: (r) => {
      reporter.event('retry', { ...r });
      if (reporter.human) reporter.warn(`virtwork-apply: retry ${r.attempt}/${r.attempts - 1} in ${(r.delayMs / 1000).toFixed(1)}s: ${r.what}: ${r.error}`);
    },
  });
}

/** A reporter for the command's output format. */
export function reporterFor(format: OutputFormat, ctx: ApplyContext): Reporter {
  return new Reporter({ out: ctx.out, err: ctx.err, errIsTty: ctx.errIsTty }, format);
}

/** Parses `--timeout`: `90` (seconds), `90s`, `10m`, `1h`, `500ms`; returns milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match || Number(match[1]) <= 0) {
    throw new UsageError(`${flag} must be a positive duration like 90s, 10m or 1h (a bare number is seconds), got ${show(value)}`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}

/** Parses a positive integer flag such as `--concurrency`. */
export function parsePositiveInt(flag: string, value: string, max = 1000): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`${flag} must be an integer from 1 to ${max}, got ${show(value)}`);
  }
  return Number(value);
}

/** Opens the audit log the global options select (a no-op one with `--no-audit`). */
export function auditFrom(g: GlobalOptions, ctx: ApplyContext): Promise<AuditLog> {
  return openAudit({ auditDb: g.auditDb, audit: g.audit }, { warn: (m) => ctx.err(`virtwork-apply: audit: ${m}\n`) }, ctx.env);
}

/**
 * Runs a recorded execution: `body` gets the audit row; the outcome is recorded as `success` (exit code 0 or
 * `notReady`… as returned, `failed` for other non-zero codes), `failed` with the message when it throws,
 * `cancelled` on SIGINT/SIGTERM (exit 130). The audit file is always closed.
 */
export async function recorded(audit: AuditLog, row: number, body: () => Promise<{ code: number; outcome?: 'success' | 'failed' | 'aborted'; error?: string }>): Promise<number> {
  try {
    const { code, outcome, error } = await body();
    audit.finishRun(row, outcome ?? (code === 0 ? 'success' : 'failed'), error);
    return code;
  } catch (err) {
    if (err instanceof CancelledError) {
      audit.finishRun(row, 'cancelled', 'interrupted by signal');
      return APPLY_EXIT.interrupted;
    }
    audit.finishRun(row, 'failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** Maps a CancelledError outside a recorded execution to exit 130 with one line. */
export async function cancellable(ctx: ApplyContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    ctx.err('virtwork-apply: cancelled\n');
    return APPLY_EXIT.interrupted;
  }
}
