import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CancelledError } from '../../cluster/_cancelled';
import { readManifests } from '../../cluster/manifests';
import { VirtworkError, show } from '../../core/errors';
import { checkSignals, contractFromObjects, SignalResult } from '../../cluster/check-signals';
import { CONTRACT_CONFIGMAP, CONTRACT_FILE, describeMin } from '../../signals/contract';
import { PrometheusClient, shownUrl } from '../../cluster/prometheus-client';
import { formatNumber } from '../../signals/_promql';
import { APPLY_EXIT, ApplyContext, auditFrom, cancellable, globalOptions, parseDuration, parsePositiveInt, recorded, reporterFor } from './_session';

/** Exit code of `check-signals` when a VM's expected series is flat or missing (docs/cli.md, docs/signals.md). */
export const SIGNALS_FAILED_EXIT = 4;
/** Environment variables `check-signals` reads when the flag is not given. */
export const CHECK_SIGNALS_ENV = {
  url: 'VIRTWORK_PROMETHEUS_URL',
  tokenFile: 'VIRTWORK_PROMETHEUS_TOKEN_FILE',
  token: 'VIRTWORK_PROMETHEUS_TOKEN',
  caFile: 'VIRTWORK_PROMETHEUS_CA_FILE',
} as const;

const OPTIONS = z.object({
  prometheus: z.string().optional(),
  bearerTokenFile: z.string().optional(),
  caFile: z.string().optional(),
  insecureSkipTlsVerify: z.boolean().default(false),
  window: z.string().optional(),
  timeout: z.string().default('60s'),
  retries: z.string().default('3'),
  runId: z.string().optional(),
});

/** `virtwork-apply check-signals [dir]`: proves in Prometheus that every VM of the run moves its expected series. */
export function checkSignalsCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  return new Command('check-signals')
    .description('Query Prometheus for every expected signal of every VM of the run (from the signal contract in the manifests) and report which move')
    .argument('[dir]', 'manifest directory synthesized with signals: true', 'dist')
    .option('--prometheus <url>', `Prometheus or Thanos querier base URL (env: ${CHECK_SIGNALS_ENV.url})`)
    .option('--bearer-token-file <file>', `file holding a bearer token (env: ${CHECK_SIGNALS_ENV.tokenFile}, or the token itself in ${CHECK_SIGNALS_ENV.token})`)
    .option('--ca-file <file>', `PEM CA bundle for https (env: ${CHECK_SIGNALS_ENV.caFile})`)
    .option('--insecure-skip-tls-verify', 'do not verify the server certificate (test clusters only)')
    .option('--window <duration>', "rate window of every signal instead of each one's own (e.g. 1m for a short test run)")
    .option('--timeout <duration>', 'give up after this long in all (90s, 10m)', '60s')
    .option('--retries <n>', 'tries per query on connection errors, timeouts, 429 and 5xx', '3')
    .option('--run-id <id>', 'fail unless the manifests are of this run')
    .addHelpText('after', `
The VMs and their expected signals come from the ConfigMap ${CONTRACT_CONFIGMAP} in the manifests
(virtwork synth --signals true); docs/signals.md lists the contract of every workload.

Examples:
  $ virtwork-apply check-signals --prometheus http://localhost:9090
  $ virtwork-apply check-signals dist/ -o json --prometheus http://prometheus.monitoring:9090
  $ oc whoami -t > /tmp/token
  $ virtwork-apply check-signals --prometheus https://thanos-querier-openshift-monitoring.apps.example.com \\
      --bearer-token-file /tmp/token --ca-file ca.pem

Exit codes: 0 every signal moves, 1 error (Prometheus unreachable or unauthorized, no contract), 2 usage,
${SIGNALS_FAILED_EXIT} a signal is flat or missing (the table names the VMs), 130 interrupted.`)
    .action(async (dir: string, raw: Record<string, unknown>, command: Command) => {
      setExit(await cancellable(ctx, () => runCheckSignals(dir, OPTIONS.parse(raw), command, ctx)));
    });
}

async function runCheckSignals(dir: string, opts: z.infer<typeof OPTIONS>, command: Command, ctx: ApplyContext): Promise<number> {
  const g = globalOptions(command);
  const url = opts.prometheus ?? ctx.env[CHECK_SIGNALS_ENV.url];
  if (!url) throw new VirtworkError(`--prometheus: give the Prometheus URL (or set ${CHECK_SIGNALS_ENV.url})`);
  const deadlineMs = parseDuration('--timeout', opts.timeout);
  const attempts = parsePositiveInt('--retries', opts.retries, 20);
  const windowSeconds = opts.window === undefined ? undefined : Math.max(1, Math.round(parseDuration('--window', opts.window) / 1000));
  const where = resolve(ctx.cwd, dir);
  const run = contractFromObjects((await readManifests(where, { signal: ctx.signal })).map((m) => m.object), CONTRACT_CONFIGMAP, CONTRACT_FILE, show(dir));
  if (opts.runId !== undefined && opts.runId !== run.runId) {
    throw new VirtworkError(`--run-id ${show(opts.runId)}: the manifests in ${show(dir)} are of run ${show(run.runId)}`);
  }
  const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(deadlineMs)]);
  const client = new PrometheusClient({
    url,
    bearerToken: bearerToken(opts.bearerTokenFile, ctx),
    ca: readOptional('--ca-file', opts.caFile ?? ctx.env[CHECK_SIGNALS_ENV.caFile], ctx),
    insecureSkipTlsVerify: opts.insecureSkipTlsVerify,
    attempts,
    signal: deadline,
  });
  const reporter = reporterFor(g.output, ctx);
  const audit = await auditFrom(g, ctx);
  const row = audit.startRun({ runId: run.runId, command: 'check-signals', context: `prometheus ${shownUrl(url)}`, namespace: run.namespace, dir: where });
  return recorded(audit, row, async () => {
    let results: SignalResult[];
    reporter.progress(() => `querying ${shownUrl(url)} for run ${run.runId}`);
    try {
      results = await checkSignals(run, (expr) => client.query(expr), { windowSeconds });
    } catch (err) {
      // SIGINT / SIGTERM: exit 130 and `cancelled` in the history, like every other command; the deadline stays an error
      if (ctx.signal.aborted) throw new CancelledError();
      if (deadline.aborted) throw new VirtworkError(`--timeout ${opts.timeout} reached before Prometheus ${shownUrl(url)} answered every query`, { cause: err });
      throw err;
    } finally {
      reporter.done();
      client.close();
    }
    for (const vm of [...new Set(results.map((r) => r.vm))]) {
      const mine = results.filter((r) => r.vm === vm);
      const bad = mine.filter((r) => r.status !== 'ok');
      audit.recordVm(row, {
        name: vm, workload: mine[0].workload, role: mine[0].role, ready: bad.length === 0,
        phase: bad.length === 0 ? 'signals ok' : 'signals failed',
        reason: bad.length === 0 ? undefined : bad.map((r) => `${r.signal} ${r.status}`).join(', '),
      });
    }
    results.forEach((r) => reporter.event('signal', { namespace: run.namespace, runId: run.runId, ...r }));
    reporter.table(['VM', 'WORKLOAD', 'ROLE', 'SIGNAL', 'VALUE', 'THRESHOLD', 'WINDOW', 'STATUS'], results.map((r) => [
      r.vm, r.workload, r.role ?? '-', r.signal, r.value === undefined ? '-' : formatNumber(r.value), describeMin(r.min, r.unit), `${r.windowSeconds}s`, r.status,
    ]));
    const failed = results.filter((r) => r.status !== 'ok');
    const failedVms = [...new Set(failed.map((r) => r.vm))];
    reporter.event('summary', { runId: run.runId, signals: results.length, ok: results.length - failed.length, failedVms });
    reporter.line(failed.length === 0
      ? `all ${results.length} signals of run ${run.runId} move`
      : `${failed.length}/${results.length} signals of run ${run.runId} do not move, on ${failedVms.length} VMs: ${failedVms.join(', ')} (see docs/signals.md)`);
    return failed.length === 0 ? { code: APPLY_EXIT.ok } : { code: SIGNALS_FAILED_EXIT, outcome: 'failed', error: `signals flat or missing on ${failedVms.join(', ')}` };
  });
}

/** The bearer token: the flag's file, else the env file, else the env token; whitespace trimmed; never echoed. */
function bearerToken(flagFile: string | undefined, ctx: ApplyContext): string | undefined {
  const file = flagFile ?? ctx.env[CHECK_SIGNALS_ENV.tokenFile];
  const token = file !== undefined ? readOptional(flagFile !== undefined ? '--bearer-token-file' : CHECK_SIGNALS_ENV.tokenFile, file, ctx)!.trim() : ctx.env[CHECK_SIGNALS_ENV.token]?.trim();
  if (token !== undefined && (token === '' || /[\r\n]/.test(token))) throw new VirtworkError('bearer token: must be one non-empty line (not shown)');
  return token;
}

function readOptional(flag: string, file: string | undefined, ctx: ApplyContext): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(resolve(ctx.cwd, file), 'utf8');
  } catch (err) {
    throw new VirtworkError(`${flag}: cannot read ${show(file)}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  }
}
