import { Command, Option } from 'commander';
import { CONFIG_ENV, CONFIG_FILE, SETTINGS, WORKLOAD_FLAGS } from '../config/schema';
import { Setting } from '../config/setting';
import { formatDefault } from '../config/docs';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The commander option of a setting: its flag, description, variable and default in the help text. */
export function settingOption(s: Setting): Option {
  const extra = [s.env && `env: ${s.env}`, `default: ${formatDefault(s).replace(/`/g, '')}`].filter(Boolean).join(', ');
  const option = new Option(s.flag!, `${s.description} (${extra})`);
  return s.repeatable ? option.argParser(collect) : option;
}

/** Adds `--config` and the flags of every setting, the workload selection and params (`virtwork synth`, `validate`). */
export function addConfigOptions(cmd: Command, only?: readonly (keyof typeof SETTINGS)[]): Command {
  cmd.addOption(new Option('-c, --config <file>', `configuration file (env: ${CONFIG_ENV}, default: ./${CONFIG_FILE} when it exists)`));
  for (const [name, s] of Object.entries(SETTINGS) as Array<[keyof typeof SETTINGS, Setting]>) {
    if (s.flag !== undefined && (only === undefined || only.includes(name))) cmd.addOption(settingOption(s));
  }
  if (only === undefined) for (const s of Object.values(WORKLOAD_FLAGS) as Setting[]) cmd.addOption(settingOption(s));
  return cmd;
}
