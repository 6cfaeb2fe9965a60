import { ParamRow } from '../core/params';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOADS } from '../workloads/_registry';
import { CONFIG_ENV, CONFIG_FILE, SETTINGS, WORKLOAD_ENTRY, WORKLOAD_FLAGS, perWorkloadSettings } from './schema';
import { Setting } from './setting';
import { instanceAndFleetDocLines } from '../fleet/_config-docs';
import { envNames } from './env';
import { ENV_ALLOWLIST } from './go-compat';

/** A setting's default as documented: `defaultDoc`, else the value in backquotes, else "unset". */
export function formatDefault(s: Setting): string {
  if (s.defaultDoc !== undefined) return s.defaultDoc;
  if (s.default === undefined) return 'unset';
  return `\`${Array.isArray(s.default) ? s.default.join(',') : String(s.default)}\``;
}

const code = (text: string | undefined) => (text === undefined ? '—' : `\`${text}\``);
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The Markdown of docs/configuration.md, generated from the setting tables of lib/config/schema.ts. */
export function renderConfigurationDoc(): string {
  const settings = Object.values(SETTINGS) as Setting[];
  const lines: string[] = [
    '<!-- Generated from lib/config/schema.ts by `npm run docs:config`: do not edit by hand (a test fails when it is stale). -->',
    '# Configuration',
    '',
    '`virtwork synth`, `virtwork validate` and the cdk8s app (`npx cdk8s synth`) read the same configuration from three',
    'places and merge it key by key: **flags > `VIRTWORK_*` environment variables > `virtwork.yaml` > defaults**.',
    'Every value is checked before anything is written; a bad one stops synthesis with one line naming the file,',
    'variable or flag, the key, the value and what is allowed, and leaves `dist/` untouched.',
    '',
    '## The file',
    '',
    `The file is \`--config <file>\`, else the file named by \`${CONFIG_ENV}\`, else \`${CONFIG_FILE}\` in the working`,
    'directory or the nearest directory above it, up to the root of the git work tree (without one, defaults apply;',
    '`virtwork synth` then writes `dist/` beside the file it found). It is one YAML document, a mapping of the keys below.',
    'Keys are hyphenated (`cpu-cores`); the underscore spelling (`cpu_cores`) and the aliases listed below are',
    'accepted too, but giving one setting under two spellings is an error, and so is an unknown key (the message',
    'suggests the closest known key). Relative paths in the file are relative to the file\'s directory.',
    '',
    '## Settings',
    '',
    '| key | type | default | environment variable | flag |',
    '| --- | --- | --- | --- | --- |',
    ...settings.map((s) => `| ${s.notInFile ? `${code(s.key)} (not in the file)` : code(s.key)} | ${s.type} | ${cell(formatDefault(s))} | ${code(s.env)} | ${code(s.flag && cell(s.flag))} |`),
    '',
    ...settings.flatMap((s) => settingSection(s)),
    '## The `workloads` map',
    '',
    'Under `workloads`, an entry per workload (a built-in or a catalog entry; `virtwork workloads` lists them)',
    'selects it and overrides settings for it alone:',
    '',
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    entryRow(WORKLOAD_ENTRY.enabled),
    entryRow(WORKLOAD_ENTRY.workload),
    ...perWorkloadSettings().map(([, s]) => `| ${code(s.key)} | ${s.type} | the top-level \`${s.key}\` | ${cell(s.description)} Must be ${cell(s.allowed)}. |`),
    entryRow(WORKLOAD_ENTRY.params),
    '',
    'A per-workload key wins over the top-level key of the file, but a flag or environment variable applies to every',
    'workload and wins over both (flags > environment > file, always).',
    '',
    ...instanceAndFleetDocLines(),
    '## Selecting workloads',
    '',
    ...[WORKLOAD_FLAGS.workloads, WORKLOAD_FLAGS.fromCatalog, WORKLOAD_FLAGS.params].flatMap((s) => settingSection(s as Setting)),
    `Without \`${WORKLOAD_FLAGS.workloads.flag}\` or \`${WORKLOAD_FLAGS.workloads.env}\`, the selection is the default`,
    `(${DEFAULT_WORKLOADS.map((w) => `\`${w}\``).join(', ')}), minus the entries with \`enabled: false\`, plus those with \`enabled: true\``,
    '(in file order). Chaos workloads are never selected by default. Naming an unknown workload, the same workload',
    'twice, or params of a workload that is not selected (in a variable or flag) is an error. The params of every',
    '`workloads` entry of the file are checked whether the entry is selected or not, and reported the same way: a',
    'file does not wait for the day an entry is selected to fail.',
    '',
    '## Params',
    '',
    'Params are typed per workload (`virtwork workloads` lists them with their types, defaults and allowed values).',
    'In the file they go under `workloads.<name>.params`; on the command line and in `VIRTWORK_PARAMS` they are',
    '`workload.key=value` pairs separated by commas. A value may itself contain commas: a comma starts a new pair',
    'only when what follows looks like `workload.key=`. Per key, `--params` > `VIRTWORK_PARAMS` > the file >',
    'the param\'s default. Every unknown key (with "did you mean") and every bad value is reported, not only the first.',
    '',
    '## Environment variables',
    '',
    'Every `VIRTWORK_*` variable is checked as strictly as the file: one that is no setting above is an error naming it,',
    'with "did you mean" (`VIRTWORK_VMCOUNT: unknown variable (did you mean "VIRTWORK_VM_COUNT"?)`), so a typo never',
    'passes silently. An empty variable counts as unset. These are read on purpose by other parts of virtwork and pass:',
    '',
    '| variable | read by |',
    '| --- | --- |',
    ...Object.entries(ENV_ALLOWLIST).map(([name, who]) => `| \`${name}\` | ${cell(who)} |`),
    '',
    'A variable of the Go virtwork whose meaning moved (`VIRTWORK_DRY_RUN`, `VIRTWORK_WAIT_FOR_READY`, `VIRTWORK_TIMEOUT`,',
    '`VIRTWORK_KUBECONFIG`, …) is ignored with one note saying where it went; see [migrating-from-go.md](migrating-from-go.md).',
    '',
    '## SSH access',
    '',
    'No guest user is created unless a password or a public key is given. Then the user (`ssh-user`, default',
    '`virtwork`) gets the keys of `ssh-authorized-keys` plus those read from `ssh-key-files`, and the password:',
    '`ssh-password` is hashed at synth time (the plaintext never reaches `dist/`, and it is refused in the file),',
    '`ssh-password-hash` is used as is. A private key given where a public key is expected is refused without being',
    'echoed.',
    '',
    '## Example',
    '',
    '```yaml',
    ...renderConfigTemplate().trimEnd().split('\n'),
    '```',
    '',
  ];
  return lines.join('\n');
}

/** A commented `virtwork.yaml` listing every key with its default (what `virtwork init` writes). */
export function renderConfigTemplate(): string {
  const lines = [
    '# virtwork configuration: every key is optional; the defaults are shown commented out.',
    '# Precedence per key: flags > VIRTWORK_* environment variables > this file > defaults.',
    '# Every key: docs/configuration.md of the virtwork package, or `npx virtwork synth --help`.',
    '',
  ];
  for (const s of Object.values(SETTINGS) as Setting[]) {
    if (s.notInFile !== undefined) continue;
    lines.push(`# ${s.description}`);
    const example = TEMPLATE_EXAMPLES[s.key];
    if (example !== undefined && s.default === undefined) lines.push(`# ${s.key}:`, `#   - ${example}`);
    else lines.push(`# ${s.key}: ${templateValue(s.default)}`.trimEnd());
  }
  const others = Object.keys(BUILTIN_WORKLOADS).filter((w) => !DEFAULT_WORKLOADS.includes(w));
  lines.push(
    '',
    '# Workloads selected by default, with their settings and params (defaults shown commented out).',
    '# `npx virtwork workloads` lists every workload, catalog entries included, with its params.',
    'workloads:',
    ...DEFAULT_WORKLOADS.flatMap((w) => [
      `  ${w}:`,
      '    enabled: true',
      `    # vm-count: ${String(SETTINGS.vmCount.default)}`,
      ...paramLines(BUILTIN_WORKLOADS[w].params.describe()),
    ]),
    ...(others.length > 0 ? ['  # Not selected by default (chaos workloads disturb their own VMs on purpose):'] : []),
    ...others.flatMap((w) => [`  # ${w}:`, '  #   enabled: true']),
    '',
  );
  return lines.join('\n');
}

/** Example list items shown (commented out) for list settings without a default. */
const TEMPLATE_EXAMPLES: Readonly<Record<string, string>> = {
  'ssh-authorized-keys': 'ssh-ed25519 AAAA... user@host',
  'ssh-key-files': 'keys/team.pub',
};

/** A default as YAML in the template: scalars as written, anything else in flow style; nothing when unset. */
function templateValue(value: unknown): string {
  if (value === undefined) return '';
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function paramLines(rows: readonly ParamRow[]): string[] {
  if (rows.length === 0) return [];
  return ['    # params:', ...rows.map((r) => `    #   ${r.key}: ${/^[\w./-]+$/.test(r.default) ? r.default : JSON.stringify(r.default)}`)];
}

function settingSection(s: Setting): string[] {
  const aliases = [
    ...(s.aliases ?? []),
    ...[s.key, ...(s.aliases ?? [])].filter((k) => k.includes('-')).map((k) => k.replace(/-/g, '_')),
  ];
  const envs = envNames(s);
  return [
    `### \`${s.key}\``,
    '',
    s.description,
    '',
    `- type: ${s.type}; allowed: ${s.allowed}`,
    `- default: ${formatDefault(s)}`,
    `- environment: ${envs.length ? envs.map((e) => `\`${e}\``).join(', ') : 'none'}${envs.length > 1 ? ' (aliases: setting two is an error)' : ''}`,
    `- flag: ${s.flag ? `\`${s.flag}\`${s.repeatable ? ' (repeatable)' : ''}` : 'none'}`,
    s.notInFile ? `- not in the file: ${s.notInFile}` : `- file key: \`${s.key}\`${aliases.length ? `; also accepted: ${aliases.map((a) => `\`${a}\``).join(', ')}` : ''}`,
    ...(s.perWorkload ? [`- may also be set per workload: \`workloads.<name>.${s.key}\``] : []),
    '',
  ];
}

function entryRow(s: Setting): string {
  return `| ${code(s.key)} | ${s.type} | ${cell(formatDefault(s))} | ${cell(s.description)} |`;
}
