import * as k8s from '@kubernetes/client-node';
import * as https from 'node:https';
import { NodeHttpLibrary } from './_node-http';

/**
 * A KubeConfig whose API clients share one keep-alive connection pool (client-node otherwise opens a new TLS
 * connection for every request) through Node's own http module, and whose requests carry a timeout and the
 * cancellation signal. Clients made with `makeApiClient` (any API class) use it.
 *
 * client-node works out the credentials and TLS options of every request anew (reading the CA and key files again,
 * building an agent that is then thrown away). When they cannot change, a token, a client certificate or a user
 * name in the kubeconfig, the headers of the first request are kept and set on every later one; credentials of an
 * exec plugin or an auth provider (in-cluster: the service account token file, which the kubelet rotates) are
 * still asked for on every request.
 */
export class PooledKubeConfig extends k8s.KubeConfig {
  private pool?: https.Agent;
  /** Headers that authenticate every request, once known; `per-request` when the credentials can change. */
  private authHeaders?: ReadonlyArray<readonly [string, string]> | 'per-request';

  public constructor(private readonly signal: AbortSignal, private readonly timeoutMs: number, private readonly maxSockets: number,
    private readonly connectTimeoutMs: number) {
    super();
  }

  public override makeApiClient<T extends k8s.ApiType>(apiClientType: k8s.ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    return new apiClientType(k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
      httpApi: k8s.wrapHttpLibrary(new NodeHttpLibrary(this.connectTimeoutMs, { signal: this.signal, timeoutMs: this.timeoutMs })),
    }));
  }

  public override async applySecurityAuthentication(context: Parameters<k8s.KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    if (this.pool && this.authHeaders !== undefined && this.authHeaders !== 'per-request') {
      for (const [name, value] of this.authHeaders) context.setHeaderParam(name, value);
      context.setAgent(this.pool);
      return;
    }
    const before = { ...context.getHeaders() };
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (!(fresh instanceof https.Agent)) return; // a proxy's agent: used as client-node made it
    this.pool ??= new https.Agent({ ...fresh.options, keepAlive: true, maxSockets: this.maxSockets });
    context.setAgent(this.pool);
    fresh.destroy();
    if (this.authHeaders === undefined) {
      const user = this.getCurrentUser();
      this.authHeaders = user?.exec || user?.authProvider ? 'per-request'
        : Object.entries(context.getHeaders()).filter(([name, value]) => before[name] !== value);
    }
  }
}
