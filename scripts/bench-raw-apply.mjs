#!/usr/bin/env node
// The floor of `virtwork-apply apply` in the cluster half of `npm run bench` (scripts/bench-cluster.ts): a minimal raw
// client, run as its own process like virtwork-apply so that both pay a start-up.
//   node scripts/bench-raw-apply.mjs <kubeconfig.json> <dir>
// Reads every *.yaml of <dir> but kustomization.yaml and sends each object as a server-side apply PATCH
// (application/apply-patch+yaml, force), 16 at a time over keep-alive HTTPS connections, the Namespace first; no
// discovery, no listing, no dry run, no retries, no checks beyond the status code. Knows the kinds of a synthesized
// fleet without data disks (Namespace, Secret, Service, VirtualMachine) and the harness's kubeconfig (JSON, token).
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

function patch(obj) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(obj);
    const req = https.request({
      agent, host: server.hostname, port: server.port, method: 'PATCH',
      path: `${COLLECTIONS[obj.kind](obj.metadata.namespace)}/${obj.metadata.name}?fieldManager=virtwork-raw&force=true`,
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/apply-patch+yaml', 'content-length': Buffer.byteLength(body), 'user-agent': 'virtwork-bench-raw' },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`${obj.kind} ${obj.metadata.name}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const ns of objects.filter((o) => o.kind === 'Namespace')) await patch(ns);
const rest = objects.filter((o) => o.kind !== 'Namespace');
let next = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < rest.length) await patch(rest[next++]);
}));
agent.destroy();
process.stdout.write(`${objects.length} objects applied\n`);
