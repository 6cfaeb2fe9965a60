// The cdk8s app: `npx cdk8s synth` runs this; it renders the default configuration into CDK8S_OUTDIR (dist/).
import { runMain } from '../lib/cli/_main';
import { runSynth } from '../lib/cli/synth-command';

void runMain('virtwork', async () => {
  runSynth({ output: process.env.CDK8S_OUTDIR ?? 'dist' });
});
