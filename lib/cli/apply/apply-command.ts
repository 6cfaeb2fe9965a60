import { Command, Option } from 'commander';
import { ApplyAction, applyManifests, ApplyObjectError, DEFAULT_CONCURRENCY, discoverKinds, ObjectOutcome } from '../../cluster/apply';
import { plural } from '../../cluster/kinds';
import { Manifest, sourceOf } from '../../cluster/manifests';
import { readManifestsAhead } from '../../cluster/read-ahead';
import { fillNamespace, relocate, resolveRunId, stampRunId } from '../../cluster/run-id';
import { vmRefOf, WaitFor } from '../../cluster/wait';
import { UsageError } from '../../core/errors';
import { Reporter } from './_reporter';
import {
  APPLY_EXIT, ApplyContext, auditFrom, cancellable, checkLabelFlag, connectFrom, DryRunMode, dryRunOption, globalOptions, parseDuration, parsePositiveInt, recorded, reporterFor,
} from './_session';
import { fallbackNamespace } from './_namespace';
import { waitAndReport, waitOptions } from './wait-command';
import { count } from '../_words';

/** Options of `apply`. */
export interface ApplyCommandOptions {
  readonly runId?: string;
  readonly prune?: boolean;
  /** `--dry-run=<mode>` (a bare `--dry-run` arrives as `server`). */
  readonly dryRun?: DryRunMode;
  /** `-f, --filename`: the manifests, as kubectl names it (the positional `[dir]` is still accepted). */
  readonly filename?: string;
  readonly forceConflicts?: boolean;
  /** `--no-validate-first` sets it false. */
  readonly validateFirst: boolean;
  readonly concurrency: string;
  readonly wait?: boolean;
  readonly for: WaitFor;
  readonly timeout: string;
}

const ACTIONS: readonly ApplyAction[] = ['created', 'changed', 'unchanged', 'skipped', 'pruned'];

/** `virtwork-apply apply [dir]`: server-side applies a directory of manifests. */
export function applyCommand(ctx: ApplyContext, setExit: (code: number) => void): Command {
  const cmd = new Command('apply')
    .description('Server-side apply the manifests of a directory (default dist/) in dependency order, with retries; optionally wait for the VMs')
    .argument('[dir]', 'directory (or file) of YAML manifests (same as -f)')
    .option('-f, --filename <path>', 'directory (or file) of YAML manifests (default: dist)')
    .option('--run-id <id>', 'run id to label every object with (default: the one the manifests carry, else a fresh one)')
    .option('--prune', 'delete objects of this run (same namespace) that are no longer in the directory')
    .addOption(dryRunOption('server: validated by the server (dryRun=All), nothing persisted; client: read and checked here, no cluster contacted; none: apply (a bare --dry-run means server)'))
    .option('--force-conflicts', 'take over fields owned by another field manager instead of failing')
    .option('--no-validate-first', 'skip the server-side dry run of every object before the first write (faster; a refused object then leaves earlier waves applied)')
    .addOption(new Option('--concurrency <n>', 'requests in flight at once').default(String(DEFAULT_CONCURRENCY)))
    .option('--wait', 'then wait for the VMs to be ready (see `wait`)');
  waitOptions().forEach((o) => cmd.addOption(o));
  return cmd
    .addHelpText('after', `
Objects are applied with field manager "virtwork": Namespace, then Secrets and Services, then VirtualMachines, then
any other kind. A Namespace that exists without the label app.kubernetes.io/managed-by=virtwork is left untouched.
Re-applying converges: the summary tells created, changed and unchanged objects apart. Before the first write,
every object is validated by a server-side dry run (objects of a namespace that does not exist yet are validated
in namespace "default"): an object the server refuses leaves the cluster untouched. --no-validate-first skips it.

Examples:
  $ virtwork-apply apply                                   # dist/, run id from the manifests
  $ virtwork-apply apply dist/ --wait --timeout 15m
  $ virtwork-apply apply --run-id perf-42 -n load-test --prune
  $ virtwork-apply apply -f dist/ --dry-run=server -o json
  $ virtwork-apply apply -f dist/ --dry-run=client       # no cluster needed

Exit codes: 0 applied (and ready with --wait), 1 error (bad manifests, unreachable cluster, object refused),
2 usage, 3 a VM failed or was not ready in time (--wait), 130 interrupted.`)
    .action(async (dir: string | undefined, opts: ApplyCommandOptions, command: Command) => {
      if (dir !== undefined && opts.filename !== undefined && dir !== opts.filename) {
        throw new UsageError(`give the manifests once: -f ${opts.filename} or ${dir}, not both`);
      }
      setExit(await cancellable(ctx, () => runApply(opts.filename ?? dir ?? 'dist', { ...opts, dryRun: opts.dryRun === 'none' ? undefined : opts.dryRun }, command, ctx)));
    });
}

async function runApply(dir: string, opts: ApplyCommandOptions, command: Command, ctx: ApplyContext): Promise<number> {
  const g = globalOptions(command);
  const concurrency = parsePositiveInt('--concurrency', opts.concurrency);
  const timeoutMs = parseDuration('--timeout', opts.timeout);
  if (opts.wait && opts.dryRun) throw new UsageError('--wait cannot be combined with --dry-run (nothing is created to wait for)');
  checkLabelFlag('--run-id', opts.runId);
  const reporter = reporterFor(g.output, ctx);
  reporter.event('reading', { dir });
  let manifests = await readManifestsAhead(dir, { signal: ctx.signal, onSkip: (file, why) => reporter.warn(`virtwork-apply: skipped ${file}: ${why}`) });
  if (opts.dryRun === 'client') return clientDryRun(dir, manifests, g.namespace, opts.runId, reporter);
  const cluster = connectFrom(g, ctx, reporter);
  // the namespace rule (docs/apply.md): -n moves everything; else each object's own, else the context's, else virtwork
  if (g.namespace !== undefined) {
    const infos = await discoverKinds(cluster, manifests);
    manifests = relocate(manifests, g.namespace, (m) => infos.get(m)!.namespaced);
  } else if (manifests.some((m) => m.object.metadata.namespace === undefined && m.object.kind !== 'Namespace')) {
    const infos = await discoverKinds(cluster, manifests);
    manifests = fillNamespace(manifests, fallbackNamespace(cluster).namespace, (m) => infos.get(m)!.namespaced);
  }
  const { runId, source } = resolveRunId(manifests, opts.runId);
  manifests = stampRunId(manifests, runId);
  const namespaces = [...new Set(manifests.map((m) => m.object.metadata.namespace).filter((ns): ns is string => ns !== undefined))].sort();
  const audit = await auditFrom(g, ctx);
  const row = audit.startRun({ runId, command: opts.dryRun ? `apply --dry-run=${opts.dryRun}` : 'apply', context: cluster.context, namespace: namespaces.join(',') || '-', dir });
  try {
    return await recorded(audit, row, async () => {
      const how = { flag: 'from --run-id', manifests: 'from the manifests', fresh: 'fresh' }[source];
      reporter.event('apply-started', { runId, runIdSource: source, dir, objects: manifests.length, namespaces, context: cluster.context, dryRun: opts.dryRun ?? 'none' });
      reporter.line(`run id ${runId} (${how}); applying ${count(manifests.length, 'object')} from ${dir} to ${cluster.context}${opts.dryRun ? ' (server dry run)' : ''}`);
      const outcomes: ObjectOutcome[] = [];
      const unvalidated: ObjectOutcome[] = [];
      reporter.progress(() => `applying: ${outcomes.length}/${manifests.length} objects`);
      try {
        await applyManifests(cluster, manifests, {
          dryRun: opts.dryRun === 'server', forceConflicts: opts.forceConflicts, concurrency, pruneRunId: opts.prune ? runId : undefined,
          validateFirst: opts.validateFirst,
          onValidated: (validated, ms) => {
            unvalidated.push(...validated.filter((o) => o.reason !== undefined && o.action !== 'skipped'));
            reporter.event('validated', { objects: validated.length, seconds: ms / 1000 });
            reporter.line(`validated ${count(validated.length, 'object')} by server-side dry run in ${(ms / 1000).toFixed(1)}s`);
          },
          onObject: (o) => {
            outcomes.push(o);
            reporter.event('object', { ...o });
            reporter.update();
          },
        });
      } catch (err) {
        if (err instanceof ApplyObjectError) audit.recordObjects(row, 'failed', err.kind, 1);
        throw err;
      } finally {
        reporter.done();
        recordOutcomes(audit, row, outcomes);
        summarize(reporter, outcomes);
      }
      for (const o of outcomes.filter((o) => o.action === 'skipped')) reporter.warn(`virtwork-apply: skipped ${o.kind} ${o.name}: ${o.reason}`);
      if (opts.dryRun) unvalidated.push(...outcomes.filter((o) => o.action === 'created' && o.reason !== undefined));
      if (unvalidated.length > 0) reporter.warn(`virtwork-apply: ${unvalidated.length} objects ${unvalidated[0].reason}`);
      reporter.event('apply-finished', { runId, ...counts(outcomes) });
      reporter.line(`run id ${runId}: ${ACTIONS.map((a) => `${counts(outcomes)[a]} ${a}`).join(', ')} in ${reporter.elapsed().toFixed(1)}s${opts.dryRun ? ' (dry run: nothing persisted)' : ''}`);
      if (!opts.wait) return { code: APPLY_EXIT.ok };
      let allReady = true;
      for (const namespace of namespaces) {
        const vms = manifests.filter((m) => m.object.kind === 'VirtualMachine' && m.object.metadata.namespace === namespace
          && (m.object.spec as { runStrategy?: string } | undefined)?.runStrategy !== 'Halted').map((m) => vmRefOf(m.object));
        if (vms.length === 0) continue;
        const results = await waitAndReport(cluster, reporter, { namespace, runId, vms, for: opts.for, timeoutMs }, { log: audit, row });
        allReady &&= results.every((r) => r.outcome === 'ready');
      }
      return allReady ? { code: APPLY_EXIT.ok } : { code: APPLY_EXIT.notReady, outcome: 'failed', error: 'not every VM became ready' };
    });
  } finally {
    await audit.close();
  }
}

/**
 * `--dry-run=client`: the manifests read and checked, `-n` and the run id applied, here only (no cluster contacted).
 * Without the server, every kind but Namespace, CustomResourceDefinition and Cluster* is taken as namespaced.
 */
function clientDryRun(dir: string, read: Manifest[], namespace: string | undefined, runIdFlag: string | undefined, reporter: Reporter): number {
  const clusterScoped = (kind: string) => kind === 'Namespace' || kind === 'CustomResourceDefinition' || kind.startsWith('Cluster');
  let manifests = namespace !== undefined ? relocate(read, namespace, (m) => !clusterScoped(m.object.kind)) : read;
  const { runId, source } = resolveRunId(manifests, runIdFlag);
  manifests = stampRunId(manifests, runId);
  reporter.event('apply-started', { runId, runIdSource: source, dir, objects: manifests.length, dryRun: 'client' });
  for (const m of manifests) {
    reporter.event('object', { kind: m.object.kind, name: m.object.metadata.name, namespace: m.object.metadata.namespace, action: 'checked', source: sourceOf(m) });
  }
  const kinds = [...new Set(manifests.map((m) => m.object.kind))];
  reporter.table(['KIND', 'OBJECTS'], kinds.map((k) => [plural(k), manifests.filter((m) => m.object.kind === k).length]));
  reporter.event('apply-finished', { runId, checked: manifests.length });
  reporter.line(`run id ${runId}: ${count(manifests.length, 'object')} read and checked from ${dir} (client dry run: no cluster contacted)`);
  return APPLY_EXIT.ok;
}

function counts(outcomes: readonly ObjectOutcome[]): Record<ApplyAction, number> {
  const c = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<ApplyAction, number>;
  outcomes.forEach((o) => c[o.action]++);
  return c;
}

function recordOutcomes(audit: Awaited<ReturnType<typeof auditFrom>>, row: number, outcomes: readonly ObjectOutcome[]): void {
  const tally = new Map<string, number>();
  const audited = { created: 'applied', changed: 'applied', unchanged: 'unchanged', pruned: 'deleted', skipped: undefined } as const;
  for (const o of outcomes) {
    const action = audited[o.action];
    if (action) tally.set(`${o.kind}|${action}`, (tally.get(`${o.kind}|${action}`) ?? 0) + 1);
  }
  for (const [key, count] of tally) {
    const [kind, action] = key.split('|') as [string, 'applied' | 'unchanged' | 'deleted'];
    audit.recordObjects(row, action, kind, count);
  }
}

function summarize(reporter: ReturnType<typeof reporterFor>, outcomes: readonly ObjectOutcome[]): void {
  const kinds = [...new Set(outcomes.map((o) => o.kind))];
  reporter.table(['KIND', ...ACTIONS.map((a) => a.toUpperCase())], kinds.map((kind) => [
    plural(kind), ...ACTIONS.map((a) => outcomes.filter((o) => o.kind === kind && o.action === a).length),
  ]));
}
