import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import { describeIntegration } from '.';
import { findBinaries } from './binaries';
import { startControlPlane } from './control-plane';

describeIntegration('the test control plane with auditLog (used by npm run bench to count requests)', () => {
  it('GIVEN auditLog WHEN a client reads one object THEN the real API server logs exactly that request, once, complete', async () => {
    const binaries = findBinaries();
    if ('missing' in binaries) throw new Error(binaries.missing);
    const plane = await startControlPlane(binaries, { auditLog: true });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(plane.kubeconfigPath);
      await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'default' });
      await new Promise((r) => setTimeout(r, 500));
      const events = fs.readFileSync(plane.auditLogPath!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const reads = events.filter((e) => e.verb === 'get' && e.objectRef?.resource === 'namespaces' && e.objectRef?.name === 'default');
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ stage: 'ResponseComplete', level: 'Metadata', responseStatus: { code: 200 } });
    } finally {
      await plane.stop();
    }
  }, 180_000);

});
