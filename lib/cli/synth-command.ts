import { Command, Option } from 'commander';
import { VirtworkError } from '../errors';
import { renderToDir } from '../render';
import { DEFAULT_NAMESPACE, DEFAULT_RUN_ID } from '../virtual-machine';
import { DEFAULT_WORKLOADS } from '../workloads/_registry';

/** Options of `virtwork synth`. */
export interface SynthOptions {
  readonly workloads?: string;
  readonly vmCount?: string;
  readonly namespace?: string;
  readonly runId?: string;
  readonly output: string;
}

/** `virtwork synth`: renders the configuration into a directory of manifests. */
export function synthCommand(): Command {
  return new Command('synth')
    .description('Synthesize VirtualMachine, Secret, DataVolume and Service manifests into a directory')
    .option('-w, --workloads <list>', `comma-separated workloads (default: ${DEFAULT_WORKLOADS.join(',')})`)
    .option('--vm-count <n>', 'VMs per workload (per role for multi-role workloads)')
    .option('-n, --namespace <ns>', `namespace of every object (default: ${DEFAULT_NAMESPACE})`)
    .option('--run-id <id>', `value of the virtwork/run-id label (default: ${DEFAULT_RUN_ID})`)
    .addOption(new Option('-o, --output <dir>', 'directory to write').default('dist'))
    .addHelpText('after', `
Examples:
  $ virtwork synth                                  # cpu + memory, one VM each, into dist/
  $ virtwork synth --workloads cpu,memory --vm-count 3
  $ virtwork synth -n load-test --output /tmp/manifests`)
    .action((opts: SynthOptions) => {
      const result = runSynth(opts);
      process.stdout.write(`wrote ${result.files.length} files to ${result.outdir}/: ${result.files.join(', ')}\n`);
    });
}

/** Turns `synth` flags into a render of the output directory. */
export function runSynth(opts: SynthOptions) {
  const names = (opts.workloads ?? DEFAULT_WORKLOADS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new VirtworkError('--workloads: no workload given');
  let vmCount: number | undefined;
  if (opts.vmCount !== undefined) {
    vmCount = Number(opts.vmCount);
    if (!/^\d+$/.test(opts.vmCount) || vmCount < 1) {
      throw new VirtworkError(`--vm-count must be a positive integer, got ${JSON.stringify(opts.vmCount)}`);
    }
  }
  return renderToDir(
    {
      namespace: opts.namespace ?? DEFAULT_NAMESPACE,
      runId: opts.runId,
      workloads: names.map((name) => ({ name, vmCount })),
    },
    opts.output,
  );
}
