#!/usr/bin/env node
import { CLUSTER_PEERS, missingPackages, missingPeersMessage } from '../lib/cli/_peer-packages';

// The cluster modules import @kubernetes/client-node and sql.js, optional peer dependencies: check for them first,
// so that a missing one is one line saying what to install rather than a stack trace.
const message = missingPeersMessage('virtwork-apply', missingPackages(CLUSTER_PEERS));
if (message !== undefined) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
// The compiled bin loads the part of @kubernetes/client-node it uses from one linked file (lib/cluster/_client-node-prelink.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('../lib/cluster/_client-node-prelink') as typeof import('../lib/cluster/_client-node-prelink')).usePrelinkedClientNode();
// `apply` reads its manifests in a worker thread while the cluster modules load (lib/cluster/read-ahead.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('../lib/cluster/read-ahead') as typeof import('../lib/cluster/read-ahead')).startReadAhead(process.argv.slice(2));
// eslint-disable-next-line @typescript-eslint/no-require-imports
void (require('../lib/cli/virtwork-apply') as typeof import('../lib/cli/virtwork-apply')).main(process.argv);
