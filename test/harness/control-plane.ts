import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Binaries } from './binaries';
import { logTail, removeOnExit, ServerProcess, startServer } from './processes';
import { freePorts } from '../support/ports';

/** kubeconfig context of `virtwork-admin` (group `system:masters`): may do anything. */
export const ADMIN_CONTEXT = 'admin';
/** kubeconfig context of `virtwork-nobody`: authenticated, but RBAC grants it nothing, so requests are Forbidden. */
export const UNPRIVILEGED_CONTEXT = 'unprivileged';

/** etcd and kube-apiserver on 127.0.0.1, with their data in a temporary directory. */
export interface ControlPlane {
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** A kubeconfig with the contexts `admin` (current) and `unprivileged`, trusting the server's own CA. */
  readonly kubeconfigPath: string;
  /** With `{ auditLog: true }`: the API server's audit log (JSON lines, one event per request, stage ResponseComplete). */
  readonly auditLogPath?: string;
  /** Stops both servers and removes the temporary directory. */
  stop(): Promise<void>;
}

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Record every request in an audit log (level Metadata, ResponseComplete only), e.g. to count requests per object. */
  readonly auditLog?: boolean;
}

/** Audit policy of `auditLog`: every request at level Metadata, one event per request (when its response completed). */
const AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1', kind: 'Policy',
  omitStages: ['RequestReceived', 'ResponseStarted', 'Panic'],
  rules: [{ level: 'Metadata' }],
};

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts etcd and kube-apiserver on free loopback ports and resolves once `/readyz` answers 200. The API server
 * self-signs its serving certificate (`--cert-dir`), authenticates static tokens and authorizes with RBAC only;
 * admission plugins that only matter to pods, quotas or service-account tokens are off. Nothing is listening on
 * the service range 10.96.0.0/16: it only feeds the Service IP allocator.
 */
export async function startControlPlane(binaries: Binaries, options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtwork-apiserver-'));
  const forgetDir = removeOnExit(dir);
  const servers: ServerProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const server of [...servers].reverse()) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    forgetDir();
  };
  try {
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    servers.push(startServer('etcd', binaries.etcd, [
      '--name=virtwork-test', `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=virtwork-test=${peerUrl}`, '--unsafe-no-fsync', '--log-level=warn',
    ], path.join(dir, 'etcd.log')));

    const tokens = { admin: randomBytes(24).toString('hex'), unprivileged: randomBytes(24).toString('hex') };
    fs.writeFileSync(path.join(dir, 'tokens.csv'),
      `${tokens.admin},virtwork-admin,virtwork-admin,"system:masters"\n${tokens.unprivileged},virtwork-nobody,virtwork-nobody\n`);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, 'service-account.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const certDir = path.join(dir, 'certs');
    const auditLogPath = options.auditLog ? path.join(dir, 'audit.log') : undefined;
    if (auditLogPath) fs.writeFileSync(path.join(dir, 'audit-policy.json'), JSON.stringify(AUDIT_POLICY));
    servers.push(startServer('kube-apiserver', binaries.kubeApiserver, [
      ...(auditLogPath ? [`--audit-policy-file=${path.join(dir, 'audit-policy.json')}`, `--audit-log-path=${auditLogPath}`, '--audit-log-format=json', '--audit-log-mode=blocking',
        // never rotated (0 would mean the log library's default, 100 MB: a bench counting requests then lost the
        // events written before a rotation)
        '--audit-log-maxsize=1000000'] : []),
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(dir, 'service-account.key')}`,
      `--service-account-signing-key-file=${path.join(dir, 'service-account.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      `--disable-admission-plugins=${DISABLED_ADMISSION_PLUGINS.join(',')}`,
      '--enable-priority-and-fairness=false',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ], path.join(dir, 'kube-apiserver.log')));

    const server = `https://127.0.0.1:${apiPort}`;
    const ca = await waitUntilReady(server, path.join(certDir, 'apiserver.crt'), tokens.admin, servers);
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, JSON.stringify(kubeconfig(server, ca, tokens), null, 2), { mode: 0o600 });
    return { server, kubeconfigPath, ...(auditLogPath ? { auditLogPath } : {}), stop };
  } catch (err) {
    const logs = servers.map((s) => `--- last lines of ${s.name}'s log ---\n${logTail(s.logFile)}`).join('\n');
    await stop();
    throw new Error(`etcd + kube-apiserver did not start: ${(err as Error).message}\n${logs}`, { cause: err });
  }
}

/** Admission plugins enabled by default that only act on pods, PVCs, quotas or service-account tokens. */
const DISABLED_ADMISSION_PLUGINS = [
  'ServiceAccount', 'LimitRanger', 'ResourceQuota', 'PodSecurity', 'Priority', 'DefaultTolerationSeconds',
  'TaintNodesByCondition', 'RuntimeClass', 'DefaultStorageClass', 'StorageObjectInUseProtection',
  'PersistentVolumeClaimResize', 'DefaultIngressClass',
];

/** Polls `/readyz` until it answers 200; returns the CA bundle the API server generated for itself. */
async function waitUntilReady(server: string, caFile: string, token: string, servers: ServerProcess[]): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const died = Promise.race(servers.map((s) => s.exited));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (fs.existsSync(caFile)) {
      const ca = fs.readFileSync(caFile, 'utf8');
      last = await get(`${server}/readyz`, ca, token).catch((err: Error) => err.message);
      if (last === '200') return ca;
    }
    const exited = await Promise.race([died, sleep(100)]);
    if (exited) throw new Error(exited);
  }
  throw new Error(`${server}/readyz not ready after ${READY_TIMEOUT_MS / 1000} s (last answer: ${last})`);
}

function get(url: string, ca: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? '200' : `${res.statusCode}: ${body.trim()}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function kubeconfig(server: string, ca: string, tokens: { admin: string; unprivileged: string }): object {
  const cluster = 'virtwork-test';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [
      { name: 'virtwork-admin', user: { token: tokens.admin } },
      { name: 'virtwork-nobody', user: { token: tokens.unprivileged } },
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster, user: 'virtwork-admin' } },
      { name: UNPRIVILEGED_CONTEXT, context: { cluster, user: 'virtwork-nobody' } },
    ],
    'current-context': ADMIN_CONTEXT,
  };
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
