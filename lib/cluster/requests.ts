import * as k8s from '@kubernetes/client-node';
import { VirtworkError } from '../core/errors';
import { describeError, httpStatus, transportCode } from './_errors';
import { CancelledError } from './_cancelled';
import { KindRef } from './kinds';
import type { Cluster } from './kubeconfig';
import { attemptsOf, isUnanswered, RetryPolicy, withRetry } from './retry';

/** How the API server serves a kind. */
export interface ResourceInfo extends KindRef {
  /** Resource (plural) name, e.g. `virtualmachines`. */
  readonly resource: string;
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
}

/** Options shared by the request helpers. */
export interface RequestOptions {
  /** Retry policy (tests shorten it). */
  readonly retry?: RetryPolicy;
  /** Hears about each retry. */
  readonly onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
  /**
   * Objects per page of a list request (the `limit` query parameter); the pages are followed to the end.
   * @default LIST_PAGE_SIZE
   */
  readonly pageSize?: number;
}

/** Objects per page of list requests, as kubectl and client-go informers use. */
export const LIST_PAGE_SIZE = 500;

/** Runs one API call with the retry policy and the cluster's cancellation; failures become `fail(what, err)`. */
export async function call<T>(cluster: Cluster, what: string, request: () => Promise<T>, options: RequestOptions = {}): Promise<T> {
  try {
    return await withRetry(request, {
      ...options.retry,
      signal: cluster.signal,
      onRetry: (attempt, delayMs, err, attempts) => {
        options.onRetry?.(attempt, delayMs, err);
        cluster.onRetry?.({ what, attempt, attempts, delayMs, error: describeError(err) });
      },
    });
  } catch (err) {
    throw fail(cluster, what, err);
  }
}

/**
 * The error to report for a failed request: CancelledError when the command was cancelled; a VirtworkError naming
 * the cluster when it cannot be reached; else a VirtworkError `<what>: <server's message>`.
 */
export function fail(cluster: Cluster, what: string, err: unknown): Error {
  if (err instanceof CancelledError || cluster.signal.aborted) return err instanceof CancelledError ? err : new CancelledError();
  if (err instanceof VirtworkError) return err;
  if (httpStatus(err) === undefined && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(transportCode(err) ?? '')) {
    return new VirtworkError(`cannot reach the cluster at ${cluster.server} (context "${cluster.context}"): ${describeError(err)}`, { cause: err });
  }
  if (isUnanswered(err)) {
    const attempts = attemptsOf(err);
    return new VirtworkError(`${what}: no answer from the cluster at ${cluster.server} (context "${cluster.context}"): ${describeError(err)}, ` +
      `after ${attempts} attempt${attempts === 1 ? '' : 's'} of at most ${cluster.requestTimeoutMs / 1000}s each`, { cause: err });
  }
  return new VirtworkError(`${what}: ${describeError(err)}`, { cause: err });
}

/** How the server serves `ref`, or undefined when it does not serve it (CRD not installed). Cached per cluster. */
export async function resourceOf(cluster: Cluster, ref: KindRef, options: RequestOptions = {}): Promise<ResourceInfo | undefined> {
  const found = await call(cluster, `discovering ${ref.kind} (${ref.apiVersion})`, async () => {
    try {
      return await cluster.objects.discover(ref.apiVersion, ref.kind);
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }, options);
  return found ? { ...ref, resource: found.name, namespaced: found.namespaced } : undefined;
}

/** The URL path of a kind's collection, e.g. `/apis/kubevirt.io/v1/namespaces/ns/virtualmachines`. */
export function collectionPath(info: ResourceInfo, namespace?: string): string {
  const root = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  return info.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${info.resource}` : `${root}/${info.resource}`;
}

/** `a=b,c=d` from a label map (sorted keys). */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** Whether `obj` carries every label of `selector`. */
export function matchesLabels(obj: k8s.KubernetesObject, selector: Readonly<Record<string, string>>): boolean {
  const labels = obj.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A list and the resourceVersion it was read at. */
export interface Listing<T extends k8s.KubernetesObject = k8s.KubernetesObject> {
  readonly items: T[];
  readonly resourceVersion: string;
}

/** Lists every object of a kind in a namespace (all pages), optionally by label selector. */
export async function listAll<T extends k8s.KubernetesObject = k8s.KubernetesObject>(
  cluster: Cluster, ref: KindRef, namespace: string | undefined, selector?: Readonly<Record<string, string>>, options: RequestOptions = {},
): Promise<Listing<T>> {
  const items: T[] = [];
  let continueToken: string | undefined;
  let resourceVersion = '';
  const where = namespace ? ` in namespace ${namespace}` : '';
  do {
    const page = await call(cluster, `listing ${ref.kind} objects${where}`, () => cluster.objects.list<T>(
      ref.apiVersion, ref.kind, namespace, undefined, undefined, undefined, undefined,
      selector ? labelSelector(selector) : undefined, options.pageSize ?? LIST_PAGE_SIZE, continueToken), options);
    items.push(...page.items);
    continueToken = page.metadata?._continue || undefined;
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
  } while (continueToken !== undefined);
  return { items, resourceVersion };
}
