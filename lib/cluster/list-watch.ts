import * as k8s from '@kubernetes/client-node';
import { VirtworkError } from '../core/errors';
import { CancelledError } from './_cancelled';
import { KindRef } from './kinds';
import type { Cluster } from './kubeconfig';
import { backoffMs, DEFAULT_RETRY, sleep } from './retry';
import { collectionPath, fail, labelSelector, listAll, RequestOptions, resourceOf } from './requests';

/** Options of {@link listWatch}. */
export interface ListWatchOptions<T extends k8s.KubernetesObject> extends RequestOptions {
  /** Kind to watch. */
  readonly ref: KindRef;
  /** Namespace to watch. */
  readonly namespace: string;
  /** Label selector (exact matches). */
  readonly selector: Readonly<Record<string, string>>;
  /** The complete current state, after the first list and after every relist. */
  readonly onSync: (items: T[]) => void;
  /** A change after the last sync. */
  readonly onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T) => void;
  /** Stops watching (listWatch then resolves). */
  readonly signal: AbortSignal;
}

/** What ended one watch request. */
interface WatchEnd {
  /** The server answered 410 Gone: the resourceVersion is too old, list again. */
  readonly gone: boolean;
  readonly err?: unknown;
  /** Events were received before it ended. */
  readonly progressed: boolean;
}

/**
 * Keeps `onSync`/`onEvent` informed of the objects of one kind in one namespace that match a label selector, with
 * one list and one watch (not one request per object). A watch that drops is re-established from the last
 * resourceVersion seen (bookmarks keep it fresh); a 410 Gone answer lists again. Resolves when `signal` aborts;
 * rejects when the kind is not served, or after repeated failures to re-establish the watch.
 */
export async function listWatch<T extends k8s.KubernetesObject>(cluster: Cluster, options: ListWatchOptions<T>): Promise<void> {
  const info = await resourceOf(cluster, options.ref, options);
  if (!info) throw new VirtworkError(`the cluster does not serve ${options.ref.kind} (${options.ref.apiVersion}); is KubeVirt installed?`);
  const path = collectionPath(info, options.namespace);
  const maxAttempts = options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  let resourceVersion: string | undefined;
  let failures = 0;
  while (!options.signal.aborted) {
    if (resourceVersion === undefined) {
      const listing = await listAll<T>(cluster, options.ref, options.namespace, options.selector, options);
      options.onSync(listing.items);
      resourceVersion = listing.resourceVersion;
    }
    const end = await watchOnce(cluster, path, resourceVersion, options, (rv) => (resourceVersion = rv));
    if (options.signal.aborted) break;
    if (end.gone) {
      resourceVersion = undefined;
      continue;
    }
    failures = end.progressed ? 0 : failures + 1;
    if (failures >= maxAttempts) throw fail(cluster, `watching ${options.ref.kind} objects in namespace ${options.namespace}`, end.err ?? new Error('the watch keeps closing'));
    if (failures > 0) await sleep(backoffMs(failures, end.err, options.retry), options.signal).catch(ignoreCancel);
  }
  if (cluster.signal.aborted) throw new CancelledError();
}

function ignoreCancel(err: unknown): void {
  if (!(err instanceof CancelledError)) throw err;
}

/** One watch request from `resourceVersion`, until the server or the network ends it, or `signal` aborts. */
function watchOnce<T extends k8s.KubernetesObject>(
  cluster: Cluster, path: string, resourceVersion: string, options: ListWatchOptions<T>, setVersion: (rv: string) => void,
): Promise<WatchEnd> {
  return new Promise((resolve) => {
    let gone = false;
    let progressed = false;
    let error: unknown;
    let controller: AbortController | undefined;
    let ended = false;
    const stop = (): void => controller?.abort();
    const finish = (err: unknown): void => {
      if (ended) return;
      ended = true;
      options.signal.removeEventListener('abort', stop);
      const status = (err as { statusCode?: number } | undefined)?.statusCode;
      resolve({ gone: gone || status === 410, err: error ?? err ?? undefined, progressed });
    };
    const onEvent = (type: string, obj: T & { code?: number; message?: string }): void => {
      if (type === 'ERROR') {
        if (obj.code === 410) gone = true;
        else error = new Error(`watch error: ${obj.message ?? JSON.stringify(obj)}`);
        stop();
        return;
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) setVersion(rv);
      if (type === 'BOOKMARK') return;
      progressed = true;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') options.onEvent(type, obj);
    };
    options.signal.addEventListener('abort', stop, { once: true });
    const query = { resourceVersion, labelSelector: labelSelector(options.selector), allowWatchBookmarks: true };
    new k8s.Watch(cluster.kc).watch(path, query, onEvent, finish).then((c) => {
      controller = c;
      if (ended || options.signal.aborted) c.abort();
    }, finish);
  });
}
