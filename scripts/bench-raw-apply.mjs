#!/usr/bin/env node
// The floor of `virtwork-apply apply` in the cluster half of `npm run bench` (scripts/bench-cluster.ts): a minimal raw
// client, run as its own process like virtwork-apply so that both pay a start-up.
//   node scripts/bench-raw-apply.mjs <kubeconfig.json> <dir> [--validate-first]
// Reads every *.yaml of <dir> but kustomization.yaml and sends each object as a server-side apply PATCH
// (application/apply-patch+yaml, force), 16 at a time over keep-alive HTTPS connections, the Namespace first; no
// discovery, no listing, no retries, no checks beyond the status code. Knows the kinds of a synthesized
// fleet without data disks (Namespace, Secret, Service, VirtualMachine) and the harness's kubeconfig (JSON, token).
// With --validate-first it first sends the cheapest dry run of every object that virtwork-apply's validation of a new
// namespace sends, 16 at a time: the Namespace dry-run applied, every other object dry-run created (strict field
// validation) in namespace default, "already exists" there counting as validated. That is the floor of an apply
// that leaves the cluster untouched when any object is refused.
import { readFileSync, readdirSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Concurrent requests of the raw client. */
const CONCURRENCY = 16;
const COLLECTIONS = {
  Namespace: () => '/api/v1/namespaces',
  Secret: (ns) => `/api/v1/namespaces/${ns}/secrets`,
  Service: (ns) => `/api/v1/namespaces/${ns}/services`,
  VirtualMachine: (ns) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`,
};

const [kubeconfigFile, dir] = process.argv.slice(2);
const config = JSON.parse(readFileSync(kubeconfigFile, 'utf8'));
const context = config.contexts.find((c) => c.name === config['current-context']).context;
const cluster = config.clusters.find((c) => c.name === context.cluster).cluster;
const user = config.users.find((u) => u.name === context.user).user;
const server = new URL(cluster.server);
const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });

const objects = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()).filter(Boolean));

/** Sends one request for `obj`; `ok` says which status codes count as success. */
function send(obj, method, path, contentType, ok = (status) => status < 300) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(obj);
    const req = https.request({
      agent, host: server.hostname, port: server.port, method, path,
      headers: { authorization: `Bearer ${user.token}`, 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'user-agent': 'virtwork-bench-raw' },
    }, (res) => {
      res.resume();
      res.on('end', () => (ok(res.statusCode) ? resolve() : reject(new Error(`${method} ${obj.kind} ${obj.metadata.name}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Server-side apply of `obj` (a dry run with `dryRun`). */
function patch(obj, dryRun = false) {
  const path = `${COLLECTIONS[obj.kind](obj.metadata.namespace)}/${obj.metadata.name}?fieldManager=virtwork-raw&force=true${dryRun ? '&dryRun=All' : ''}`;
  return send(obj, 'PATCH', path, 'application/apply-patch+yaml');
}

/** Dry-run create of `obj` in namespace default (409, the name taken there, counts as validated). */
function dryRunCreate(obj) {
  const path = `${COLLECTIONS[obj.kind]('default')}?fieldManager=virtwork-raw&dryRun=All&fieldValidation=Strict`;
  return send({ ...obj, metadata: { ...obj.metadata, namespace: 'default' } }, 'POST', path, 'application/json', (status) => status < 300 || status === 409);
}

/** Runs `each` over `items`, CONCURRENCY at a time. */
async function pool(items, each) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await each(items[next++]);
  }));
}

const namespaces = objects.filter((o) => o.kind === 'Namespace');
const rest = objects.filter((o) => o.kind !== 'Namespace');
if (process.argv.includes('--validate-first')) await pool(objects, (o) => (o.kind === 'Namespace' ? patch(o, true) : dryRunCreate(o)));
for (const ns of namespaces) await patch(ns);
await pool(rest, (o) => patch(o));
agent.destroy();
process.stdout.write(`${objects.length} objects applied\n`);
