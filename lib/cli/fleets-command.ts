import { Command, Option } from 'commander';
import { loadConfig } from '../config/synth-input';
import { FleetRow, fleetRows, formatFleetRows } from '../fleet/fleet-table';
import { vmsByInstance } from '../render/render';
import { buildApp } from '../render/synth';
import { addConfigOptions } from './_config-options';
import { CliContext } from './_context';

/** `virtwork fleets`: the fleets of the configuration, expanded: every instance with its share or cell, count and VMs. */
export function fleetsCommand(ctx: CliContext): Command {
  return addConfigOptions(new Command('fleets'))
    .description('List the fleets of the configuration, expanded: each instance with its share or matrix cell, its count and its VMs')
    .addOption(new Option('--json', 'print JSON instead of a table'))
    .addHelpText('after', `
Nothing is written. The counts are those \`virtwork synth\` renders (largest-remainder rounding of the shares).

Examples:
  $ virtwork fleets
  $ virtwork fleets --json
  $ virtwork fleets --config staging.yaml`)
    .action((opts: Record<string, unknown>) => {
      const rows = describeFleets(opts, ctx);
      ctx.out(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatFleetRows(rows));
    });
}

/** The rows `virtwork fleets` prints: the configuration loaded and synthesized in memory (so bad input fails the same way). */
export function describeFleets(opts: Readonly<Record<string, unknown>>, ctx: Pick<CliContext, 'env' | 'cwd'>): FleetRow[] {
  const loaded = loadConfig({ flags: opts, env: ctx.env, cwd: ctx.cwd });
  const vms = vmsByInstance(buildApp(loaded.input));
  const selected = new Set(loaded.input.workloads.map((w) => w.name));
  return fleetRows(loaded.merged.file?.fleets ?? [], (i) => vms.get(i)).filter((r) => selected.has(r.instance));
}
