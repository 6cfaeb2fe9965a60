// The cdk8s app: `npx cdk8s synth` runs it (cdk8s.yaml `app`). It reads virtwork.yaml (or VIRTWORK_CONFIG) and the
// VIRTWORK_* variables exactly like `virtwork synth` without flags, and writes CDK8S_OUTDIR (dist/) atomically.
import { runMain } from '../lib/cli/_main';
import { processContext } from '../lib/cli/_context';
import { runSynth } from '../lib/cli/synth-command';

void runMain('virtwork', async () => {
  runSynth({}, processContext());
});
