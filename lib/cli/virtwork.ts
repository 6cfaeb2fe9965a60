import { Command } from 'commander';
import { runMain } from './_main';
import { synthCommand } from './synth-command';

/** The `virtwork` program (renderer side). */
export function virtworkProgram(): Command {
  return new Command('virtwork')
    .description('Render realistic KubeVirt load (VMs running CPU, memory, disk, database, network and chaos workloads) as GitOps-ready manifests')
    .exitOverride()
    .addCommand(synthCommand());
}

/** Entry point of the `virtwork` bin. */
export function main(argv: readonly string[]): Promise<never> {
  return runMain('virtwork', async () => {
    await virtworkProgram().parseAsync([...argv]);
  });
}
