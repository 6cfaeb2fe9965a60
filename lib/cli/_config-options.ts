import { Command, Option } from 'commander';
import { CONFIG_ENV, CONFIG_FILE, SETTINGS, WORKLOAD_FLAGS } from '../config/schema';
import { Setting } from '../config/setting';
import { flagAttribute, flagSpecs, longFlag } from '../config/flags';
import { GO_MOVED, GoOption } from '../config/go-compat';
import { UsageError } from '../core/errors';
import { formatDefault } from '../config/docs';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The commander option of a setting: its flag, description, variable and default in the help text. */
export function settingOption(s: Setting): Option {
  const extra = [s.env && `env: ${s.env}`, `default: ${formatDefault(s).replace(/`/g, '')}`].filter(Boolean).join(', ');
  const option = new Option(s.flag!, `${s.description} (${extra})`);
  return s.repeatable ? option.argParser(collect) : option;
}

/**
 * Adds `--config` and the flags of every setting (aliases hidden), the workload selection and params
 * (`virtwork synth`, `validate`), plus the Go virtwork's flags that moved, hidden: giving one is a usage error
 * that says where it went ({@link rejectGoFlags}).
 */
export function addConfigOptions(cmd: Command, only?: readonly (keyof typeof SETTINGS)[]): Command {
  cmd.addOption(new Option('-c, --config <file>', `configuration file (env: ${CONFIG_ENV}, default: ./${CONFIG_FILE} when it exists)`));
  for (const [name, s] of Object.entries(SETTINGS) as Array<[keyof typeof SETTINGS, Setting]>) {
    if (s.flag === undefined || (only !== undefined && !only.includes(name))) continue;
    cmd.addOption(settingOption(s));
    for (const alias of flagSpecs(s).slice(1)) cmd.addOption(new Option(alias, `alias of ${longFlag(s.flag)}`).hideHelp());
  }
  if (only === undefined) for (const s of Object.values(WORKLOAD_FLAGS) as Setting[]) cmd.addOption(settingOption(s));
  if (only === undefined) {
    for (const spec of GO_FLAG_SPECS) cmd.addOption(new Option(spec, 'a Go virtwork flag (refused with where it went)').hideHelp());
  }
  return cmd;
}

/** commander specs of the Go virtwork's flags that moved (values where the Go flag took one). */
const GO_FLAG_SPECS = ['--dry-run', '--no-wait', '--timeout <seconds>', '--kubeconfig <file>', '--vm-concurrency <n>', '--audit',
  '--no-audit', '--audit-db <file>', '--verbose', '--delete-namespace', '-y, --yes'];

/** Throws a usage error naming every Go virtwork flag given to `cmd`, with where its meaning lives now. */
export function rejectGoFlags(cmd: Command): void {
  const given = new Set<GoOption>();
  for (const spec of GO_FLAG_SPECS) {
    if (cmd.getOptionValueSource(flagAttribute(spec)) === 'cli') given.add(GO_MOVED.find((o) => o.flags?.includes(longFlag(spec)))!);
  }
  const problems = [...given].map((go) => `${go.flags!.join(' / ')}: a Go virtwork flag; here: ${go.here}`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
}
