import { Command } from 'commander';
import { packageInfo } from '../core/_package';
import { CliContext, processContext } from './_context';
import { EXIT_CODES_HELP, runCli, runMain } from './_main';
import { fleetsCommand } from './fleets-command';
import { imageCommand } from './image-command';
import { initCommand } from './init-command';
import { rejectGoFlags } from './_config-options';
import { synthCommand } from './synth-command';
import { validateCommand } from './validate-command';
import { workloadsCommand } from './workloads-command';

/** The `virtwork` program (renderer side): synth, validate, workloads, fleets, init, image. */
export function virtworkProgram(ctx: CliContext = processContext()): Command {
  const program = new Command('virtwork')
    .description('Render realistic KubeVirt load (VMs running CPU, memory, disk, database, network and chaos workloads) as GitOps-ready manifests')
    .version(packageInfo().version, '-V, --version', 'print the version')
    .addCommand(synthCommand(ctx))
    .addCommand(validateCommand(ctx))
    .addCommand(workloadsCommand(ctx))
    .addCommand(fleetsCommand(ctx))
    .addCommand(initCommand(ctx))
    .addCommand(imageCommand(ctx))
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  program.hook('preAction', (_program, action) => rejectGoFlags(action));
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) {
    cmd.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err }).showSuggestionAfterError(true)
      .configureHelp({ showGlobalOptions: true });
  }
  return program;
}

/** Runs `virtwork` with `args` (without the node and script names) in `ctx` and returns the exit code. */
export function runVirtwork(args: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  return runCli('virtwork', async () => {
    await virtworkProgram(ctx).parseAsync([...args], { from: 'user' });
  }, ctx.err);
}

/** Entry point of the `virtwork` bin. */
export function main(argv: readonly string[]): Promise<never> {
  return runMain('virtwork', async () => {
    await virtworkProgram().parseAsync([...argv]);
  });
}
