import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtworkError, show } from '../core/errors';
import { didYouMean } from '../core/_suggest';
import { PooledKubeConfig } from './_pooled-kubeconfig';
import { describeObject } from './manifests';
import { clip } from './manifest-walk';

/** Where to find the cluster, and how to talk to it. */
export interface ConnectOptions {
  /**
   * Kubeconfig file, or several separated by the platform's path delimiter (`:` on Linux), merged like kubectl
   * does (the first file that defines a name or the current context wins).
   * @default $KUBECONFIG, else ~/.kube/config, else the in-cluster service account
   */
  readonly kubeconfig?: string;
  /**
   * Context to use.
   * @default the kubeconfig's current context
   */
  readonly context?: string;
  /**
   * Environment to read KUBECONFIG and HOME from.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborts every request in flight and every later one (SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  /**
   * Time limit of one request attempt (watches excepted), from sending it to the last byte of the answer, in
   * milliseconds.
   * @default DEFAULT_REQUEST_TIMEOUT_MS
   */
  readonly requestTimeoutMs?: number;
  /**
   * Time limit of opening a connection (TCP and TLS handshake), in milliseconds; never more than `requestTimeoutMs`.
   * @default DEFAULT_CONNECT_TIMEOUT_MS
   */
  readonly connectTimeoutMs?: number;
  /** Hears about every retry of every request made through this cluster (the CLI prints them). */
  readonly onRetry?: (retry: RetryNotice) => void;
  /**
   * Connections kept open to the API server.
   * @default 32
   */
  readonly maxSockets?: number;
}

/** Time limit of one request attempt unless `--request-timeout` says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Time limit of opening a connection. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** One retry of a request, as {@link ConnectOptions.onRetry} hears it. */
export interface RetryNotice {
  /** What the request was for, e.g. `listing Secret objects in namespace load`. */
  readonly what: string;
  /** Number of the attempt that failed (1-based). */
  readonly attempt: number;
  /** Attempts allowed for this kind of failure. */
  readonly attempts: number;
  /** Wait before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Why the attempt failed, in one line. */
  readonly error: string;
}

/** A connection to one cluster and context: the only handle the rest of lib/cluster uses. */
export interface Cluster {
  /** The loaded configuration (for watches). */
  readonly kc: k8s.KubeConfig;
  /** Generic client: one code path for every kind. */
  readonly objects: ObjectApi;
  /** Name of the context in use (`in-cluster` inside a pod). */
  readonly context: string;
  /** API server URL. */
  readonly server: string;
  /** Namespace set in the context, if any. */
  readonly contextNamespace?: string;
  /** Aborted when the command is cancelled. */
  readonly signal: AbortSignal;
  /** Time limit of one request attempt, in milliseconds. */
  readonly requestTimeoutMs: number;
  /** Hears about every retry (see ConnectOptions). */
  readonly onRetry?: (retry: RetryNotice) => void;
}

/**
 * client-node's generic object client, with its (cached) discovery made public, and lists that keep their paging
 * fields. client-node deserializes the list of a kind it has no model for (every CRD: VirtualMachine,
 * DataVolume…) as a plain object whose `metadata` is an ObjectMeta, which has no `continue` nor
 * `remainingItemCount`: a paged list of 5,000 VMs then looked like its first 500. They are restored here as
 * `_continue` and `remainingItemCount`, the names of the ListMeta model.
 */
export class ObjectApi extends k8s.KubernetesObjectApi {
  /** How the server serves `kind` of `apiVersion` (undefined when the group version serves no such kind). */
  public discover(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /**
   * Server-side dry run of creating `spec` (`dryRun=All`) with strict field validation: a field the schema does not
   * declare is refused, as server-side apply refuses it (the default, `Warn`, would accept it with a warning).
   * `create` of client-node cannot set `fieldValidation`. The answer is not read: the status code decides.
   */
  public async dryRunCreate(spec: k8s.KubernetesObject, fieldManager: string): Promise<void> {
    const request = this.configuration.baseServer.makeRequestContext(await this.specUriPath(spec, 'create'), k8s.HttpMethod.POST);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', 'application/json');
    request.setQueryParam('dryRun', 'All');
    request.setQueryParam('fieldManager', fieldManager);
    request.setQueryParam('fieldValidation', 'Strict');
    request.setBody(JSON.stringify(spec));
    await this.sendPlain(request);
  }

  /**
   * Server-side apply of `spec` (a dry run with `dryRun`), sent as it is: client-node's `patch` first maps an object
   * of a built-in kind onto its model class, which drops every field the model does not know (a misspelt field of a
   * Secret never reached the server, which would have refused it). Answers the object as stored (or as it would be
   * stored, in a dry run), as plain JSON parsed when `stored` is first called (most callers need only the status),
   * and whether the apply created it (201) rather than updating it (200).
   */
  public async serverSideApply(spec: k8s.KubernetesObject, options: { fieldManager: string; dryRun?: boolean; force?: boolean }): Promise<{ stored: () => k8s.KubernetesObject; created: boolean }> {
    const request = this.configuration.baseServer.makeRequestContext(await this.specUriPath(spec, 'patch'), k8s.HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', k8s.PatchStrategy.ServerSideApply);
    if (options.dryRun) request.setQueryParam('dryRun', 'All');
    request.setQueryParam('fieldManager', options.fieldManager);
    if (options.force) request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(spec));
    const { status, text } = await this.sendPlain(request);
    let stored: k8s.KubernetesObject | undefined;
    return { stored: () => (stored ??= storedObject(text, spec)), created: status === 201 };
  }

  /**
   * Sends `request` with the configured authentication, without client-node's response pipeline (no model classes
   * built from the answer): the status and body text of a 2xx answer, else the ApiException client-node would throw.
   */
  private async sendPlain(request: k8s.RequestContext): Promise<{ status: number; text: string }> {
    await this.configuration.authMethods.default?.applySecurityAuthentication(request);
    const response = await this.configuration.httpApi.send(request).toPromise();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new k8s.ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', await response.getBodyAsAny(), response.headers);
    }
    return { status: response.httpStatusCode, text: await response.body.text() };
  }

  protected override async processResponse<T extends k8s.KubernetesObject>(response: k8s.ResponseContext, type?: string): Promise<T> {
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) return super.processResponse<T>(response, type);
    const text = await response.body.text();
    const replay = new k8s.ResponseContext(response.httpStatusCode, response.headers, { text: async () => text, binary: async () => Buffer.from(text) });
    const result = await super.processResponse<T>(replay, type);
    const meta = (result as { items?: unknown; metadata?: Record<string, unknown> }).metadata;
    if (!Array.isArray((result as { items?: unknown }).items) || !meta || meta._continue !== undefined) return result;
    const wire = (JSON.parse(text) as { metadata?: { continue?: string; remainingItemCount?: number } }).metadata;
    if (wire?.continue) meta._continue = wire.continue;
    if (wire?.remainingItemCount !== undefined) meta.remainingItemCount = wire.remainingItemCount;
    return result;
  }
}

/**
 * The object a 2xx answer carries. An answer that is not JSON (a proxy's login page, say) is a VirtworkError naming
 * the object and the start of the answer, not a SyntaxError.
 */
function storedObject(text: string, spec: k8s.KubernetesObject): k8s.KubernetesObject {
  try {
    return JSON.parse(text) as k8s.KubernetesObject;
  } catch {
    throw new VirtworkError(`the API server answered the apply of ${describeObject(spec)} with a body that is not JSON: ${show(clip(text.trim(), 80))} (is a proxy or a login page in the way?)`);
  }
}

/**
 * Loads the kubeconfig (or the in-cluster configuration), selects the context and returns a {@link Cluster}.
 * Nothing is sent to the server yet. Bad input (missing file, unknown context) is a VirtworkError naming it.
 */
export function connect(options: ConnectOptions = {}): Cluster {
  const env = options.env ?? process.env;
  const signal = options.signal ?? new AbortController().signal;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, requestTimeoutMs);
  const kc = new PooledKubeConfig(signal, requestTimeoutMs, options.maxSockets ?? 32, connectTimeoutMs);
  const files = kubeconfigFiles(options.kubeconfig, env);
  if (files.length > 0) {
    loadMerged(kc, files);
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    throw new VirtworkError('no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
  }
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new VirtworkError(`--context: no context ${show(options.context)} in ${files.join(path.delimiter) || 'the in-cluster configuration'}` +
        `${didYouMean(options.context, names)}; available: ${names.join(', ') || 'none'}`);
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new VirtworkError(`kubeconfig ${files.join(path.delimiter)}: ${kc.currentContext ? `context ${show(kc.currentContext)} names no known cluster` : 'no current context; pass --context'}`);
  }
  const objects = kc.makeApiClient(ObjectApi);
  return {
    kc,
    objects,
    context: kc.currentContext,
    server: cluster.server,
    contextNamespace: kc.getContextObject(kc.currentContext)?.namespace,
    signal,
    requestTimeoutMs,
    onRetry: options.onRetry,
  };
}

/** The kubeconfig files to read: the option, else $KUBECONFIG, else ~/.kube/config when it exists. */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const list = explicit ?? env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    const files = list.split(path.delimiter).filter((f) => f !== '');
    const source = explicit !== undefined ? '--kubeconfig' : 'KUBECONFIG';
    const existing = files.filter((f) => fs.existsSync(f));
    if (existing.length === 0) throw new VirtworkError(`${source}: no such file ${files.map((f) => show(f)).join(', ')}`);
    // kubectl skips missing entries of a list, but an explicit single file must exist.
    return existing;
  }
  const home = env.HOME ?? os.homedir();
  const file = path.join(home, '.kube', 'config');
  return fs.existsSync(file) ? [file] : [];
}

/** Loads `files` into `kc` with kubectl's merge rule: the first file that defines a name (or current-context) wins. */
function loadMerged(kc: k8s.KubeConfig, files: readonly string[]): void {
  const clusters = new Map<string, k8s.Cluster>();
  const users = new Map<string, k8s.User>();
  const contexts = new Map<string, k8s.Context>();
  let currentContext: string | undefined;
  for (const file of files) {
    const one = new k8s.KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      // client-node's YAML errors carry a code frame of several lines quoting the file: one line, cut short
      const first = ((err as Error).message ?? String(err)).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
      throw new VirtworkError(`kubeconfig ${file}: cannot be read: ${clip(first.trim())}`, { cause: err });
    }
    one.getClusters().forEach((c) => clusters.has(c.name) || clusters.set(c.name, c));
    one.getUsers().forEach((u) => users.has(u.name) || users.set(u.name, u));
    one.getContexts().forEach((c) => contexts.has(c.name) || contexts.set(c.name, c));
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext: currentContext ?? '',
  });
}
