import * as http from 'node:http';
import * as https from 'node:https';
import { z } from 'zod';
import { VirtworkError } from '../core/errors';

/** How to reach a Prometheus (or Thanos querier) HTTP API. */
export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus:9090` or `https://thanos-querier.openshift-monitoring.svc:9091`. */
  readonly url: string;
  /** Bearer token (OpenShift: `oc whoami -t` or a ServiceAccount token). */
  readonly bearerToken?: string;
  /** PEM CA bundle trusted for https (besides the system CAs). */
  readonly ca?: string;
  /** Skip TLS certificate verification (test clusters only). */
  readonly insecureSkipTlsVerify?: boolean;
  /**
   * Tries per query: connection errors, timeouts, 429 and 5xx answers are retried with backoff.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Timeout of one HTTP request, in milliseconds.
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /** Aborts every request (SIGINT, the command's deadline). */
  readonly signal?: AbortSignal;
  /** Waits between tries (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One series of an instant vector: its labels and value (NaN for `NaN`). */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const ANSWER = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  errorType: z.string().optional(),
  data: z.object({
    resultType: z.string(),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }).optional(),
});

/** The URL as shown in messages and the history: without user info, query or fragment. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
  } catch {
    return '<invalid URL>';
  }
}

/** A Prometheus HTTP API client for instant queries: POSTed (long selectors fit), retried, bounded in time. */
export class PrometheusClient {
  private readonly base: URL;
  private readonly agent: http.Agent;

  public constructor(private readonly o: PrometheusOptions) {
    let base: URL;
    try {
      base = new URL(o.url);
    } catch {
      throw new VirtworkError(`--prometheus must be an http:// or https:// URL, got ${JSON.stringify(o.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new VirtworkError(`--prometheus must be an http:// or https:// URL, got ${JSON.stringify(shownUrl(o.url))}`);
    }
    this.base = base;
    this.agent = base.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecureSkipTlsVerify })
      : new http.Agent({ keepAlive: true });
  }

  /** Runs an instant query; the samples of its vector. Errors name the Prometheus and what went wrong. */
  public async query(expr: string): Promise<Sample[]> {
    const attempts = this.o.attempts ?? 3;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let last: Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.o.signal?.aborted) throw new VirtworkError(`Prometheus ${shownUrl(this.o.url)}: stopped (deadline or signal) before an answer`);
      try {
        const { status, body } = await this.post('api/v1/query', new URLSearchParams({ query: expr }).toString());
        if (status === 401 || status === 403) {
          throw new VirtworkError(`Prometheus ${shownUrl(this.o.url)} answered ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: ` +
            'give a bearer token allowed to query it (--bearer-token-file; on OpenShift a token with cluster-monitoring-view)');
        }
        if (status === 429 || status >= 500) throw Object.assign(new Error(`HTTP ${status}`), { transient: true });
        return parseAnswer(status, body, shownUrl(this.o.url));
      } catch (err) {
        if (err instanceof VirtworkError) throw err;
        last = err as Error;
        if (attempt < attempts) await sleep(Math.min(200 * 2 ** (attempt - 1), 2000));
      }
    }
    throw new VirtworkError(`cannot reach Prometheus at ${shownUrl(this.o.url)} after ${attempts} tries: ${describe(last)}`, { cause: last });
  }

  /** Closes kept-alive connections. */
  public close(): void {
    this.agent.destroy();
  }

  private post(path: string, form: string): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(form),
      Accept: 'application/json',
      ...(this.o.bearerToken ? { Authorization: `Bearer ${this.o.bearerToken}` } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { method: 'POST', headers, agent: this.agent, signal: this.o.signal, timeout: this.o.requestTimeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${(this.o.requestTimeoutMs ?? 10_000) / 1000}s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(form);
    });
  }
}

function parseAnswer(status: number, body: string, where: string): Sample[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new VirtworkError(`Prometheus ${where} answered HTTP ${status} with something that is not the Prometheus API's JSON (is the URL the Prometheus or Thanos querier base URL?)`);
  }
  const answer = ANSWER.safeParse(json);
  if (!answer.success) throw new VirtworkError(`Prometheus ${where} answered HTTP ${status} with JSON that is not a Prometheus API answer`);
  if (answer.data.status === 'error') throw new VirtworkError(`Prometheus ${where} rejected the query (${answer.data.errorType ?? 'error'}): ${answer.data.error ?? 'no message'}`);
  if (!answer.data.data || answer.data.data.resultType !== 'vector') throw new VirtworkError(`Prometheus ${where} answered a ${answer.data.data?.resultType ?? 'missing'} result, not a vector`);
  return answer.data.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

function describe(err: Error | undefined): string {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, and is the port right?)';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ETIMEDOUT') return err!.message;
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
    return `TLS: ${err!.message} (give --ca-file, or --insecure-skip-tls-verify on a test cluster)`;
  }
  return err?.message ?? 'unknown error';
}
