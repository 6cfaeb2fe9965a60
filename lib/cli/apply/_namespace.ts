import type { RunSummary } from '../../audit/types';
import { openAudit } from '../../audit/open-audit';
import { DEFAULT_CLUSTER_NAMESPACE } from '../../cluster/kinds';
import type { Cluster } from '../../cluster/kubeconfig';
import { VirtworkError } from '../../core/errors';
import type { Reporter } from './_reporter';
import { ApplyContext, GlobalOptions, connectFrom, reporterFor } from './_session';

/**
 * Where the namespace of a command came from, in the order of the one rule every command follows (docs/apply.md,
 * "Which namespace"): `-n`; else what the manifests carry (`apply`) or the latest apply recorded in the local history
 * (of `--run-id` when given) for this context (the other commands); else the kubeconfig context's; else `virtwork`.
 */
export type NamespaceSource = 'flag' | 'manifests' | 'history' | 'context' | 'default';

/** A chosen namespace and why. */
export interface NamespaceChoice {
  readonly namespace: string;
  readonly source: NamespaceSource;
  /** For `history`: the recorded apply it came from. */
  readonly from?: { readonly runId: string; readonly startedAt: string };
}

/** How many recent executions are searched for the latest apply when no run id is given. */
const HISTORY_SEARCH = 200;

/** The namespace of status, wait, cleanup and migrate: the rule of {@link NamespaceSource}. */
export async function commandNamespace(g: GlobalOptions, cluster: Cluster, ctx: ApplyContext, runId?: string): Promise<NamespaceChoice> {
  if (g.namespace !== undefined) return { namespace: g.namespace, source: 'flag' };
  const recorded = await latestApply(g, cluster, ctx, runId);
  if (recorded) {
    const namespaces = recorded.namespace.split(',').filter((ns) => ns !== '' && ns !== '-');
    if (namespaces.length > 1) {
      throw new VirtworkError(`run ${recorded.runId} was applied to ${namespaces.length} namespaces (${namespaces.join(', ')}); pass -n to choose one`);
    }
    if (namespaces.length === 1) return { namespace: namespaces[0], source: 'history', from: { runId: recorded.runId, startedAt: recorded.startedAt } };
  }
  return fallbackNamespace(cluster);
}

/** The last two steps of the rule: the kubeconfig context's namespace, else `virtwork`. */
export function fallbackNamespace(cluster: Cluster): NamespaceChoice {
  return cluster.contextNamespace ? { namespace: cluster.contextNamespace, source: 'context' } : { namespace: DEFAULT_CLUSTER_NAMESPACE, source: 'default' };
}

/**
 * The start of status, migrate and cleanup (after their flags are checked): a reporter for `--output`, the connection,
 * and the namespace by the rule of {@link NamespaceSource}, reported.
 */
export async function openNamespace(g: GlobalOptions, ctx: ApplyContext, runId?: string): Promise<{ reporter: Reporter; cluster: Cluster; namespace: string }> {
  const reporter = reporterFor(g.output, ctx);
  const cluster = connectFrom(g, ctx, reporter);
  const choice = await commandNamespace(g, cluster, ctx, runId);
  reportNamespace(reporter, choice);
  return { reporter, cluster, namespace: choice.namespace };
}

/** Reports the choice: a `namespace` event, and a line when it came from the history (the one a user may not expect). */
export function reportNamespace(reporter: Reporter, choice: NamespaceChoice): void {
  reporter.event('namespace', { ...choice });
  if (choice.from) reporter.line(`namespace ${choice.namespace} (from the apply of run ${choice.from.runId} recorded at ${choice.from.startedAt}; -n to choose another)`);
}

/** The newest apply (not a dry run) recorded for this context, of `runId` when given; none without a history. */
async function latestApply(g: GlobalOptions, cluster: Cluster, ctx: ApplyContext, runId?: string): Promise<RunSummary | undefined> {
  if (!g.audit) return undefined;
  let log;
  try {
    log = await openAudit({ auditDb: g.auditDb, audit: g.audit }, { readOnly: true, warn: () => undefined }, ctx.env);
  } catch {
    return undefined; // no readable history: the rule goes on to the context
  }
  try {
    const candidates = runId !== undefined ? [...(log.getRun(runId)?.executions ?? [])].reverse() : log.listRuns({ limit: HISTORY_SEARCH });
    return candidates.find((e) => e.command === 'apply' && (e.context === undefined || e.context === cluster.context));
  } finally {
    await log.close();
  }
}
