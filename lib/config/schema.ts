import { z } from 'zod';
import { DEFAULT_SSH_USER, parseAuthorizedKeys } from '../guest/ssh';
import { DEFAULT_IMAGE, DEFAULT_NAMESPACE, DEFAULT_RUN_ID } from '../vm/virtual-machine';
import { DEFAULT_WORKLOADS } from '../workloads/_registry';
import { OUTPUT_SETTINGS } from './output-settings';
import { VM_SETTINGS } from './vm-settings';
import { Kind, Setting, boolKind, intKind, listKind, quantityKind, setting, textKind } from './setting';

/** Default file name of the configuration, looked up in the working directory. */
export const CONFIG_FILE = 'virtwork.yaml';
/** Environment variable naming the configuration file (the `--config` flag wins over it). */
export const CONFIG_ENV = 'VIRTWORK_CONFIG';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_LABEL_ALLOWED = 'a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)';
const PATH = /^[^\0\r\n]+$/;

const sshPublicKey: Kind<string> = {
  type: 'ssh public key',
  allowed: 'one public SSH key line like "ssh-ed25519 AAAA… user@host"',
  schema: z.string().refine((line) => !/[\r\n]/.test(line) && isPublicKeyLine(line)),
  fromText: (text) => text,
  explain: (value) => (typeof value === 'string' && value.includes('PRIVATE KEY')
    ? 'is a private key (not shown): give the public key, e.g. the .pub file'
    : undefined),
};

function isPublicKeyLine(line: string): boolean {
  try {
    return parseAuthorizedKeys(line, 'key').length === 1;
  } catch {
    return false;
  }
}

/**
 * Every setting of `virtwork.yaml`, with its environment variable and `virtwork synth` flag. Precedence,
 * per key: flag > environment > file > default. To add a setting, add one entry here (docs/configuration.md
 * is generated from this table: run `npm run docs:config`) and read it where SynthInput is built.
 */
export const SETTINGS = {
  namespace: setting(textKind({ pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED }), {
    key: 'namespace', default: DEFAULT_NAMESPACE, env: 'VIRTWORK_NAMESPACE', flag: '-n, --namespace <name>',
    description: 'Namespace of every object (the Namespace itself is synthesized too).',
  }),
  runId: setting(textKind({
    pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    allowed: 'a label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63 characters)',
  }), {
    key: 'run-id', default: DEFAULT_RUN_ID, env: 'VIRTWORK_RUN_ID', flag: '--run-id <id>',
    description: 'Value of the virtwork/run-id label on every object; synthesis is deterministic, so it is configuration, never random.',
  }),
  image: setting(textKind({
    pattern: /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/,
    allowed: 'a container image reference like quay.io/containerdisks/fedora:42',
    type: 'image',
  }), {
    key: 'image', aliases: ['container-disk-image'], default: DEFAULT_IMAGE, env: 'VIRTWORK_IMAGE', flag: '--image <ref>',
    description: 'containerDisk image the VMs boot from.',
  }),
  vmCount: setting(intKind(1, 1000), {
    key: 'vm-count', default: 1, env: 'VIRTWORK_VM_COUNT', flag: '--vm-count <n>', perWorkload: true,
    description: 'VMs per workload (per role for multi-role workloads such as network and tps).',
  }),
  cpuCores: setting(intKind(1, 512), {
    key: 'cpu-cores', default: 2, env: 'VIRTWORK_CPU_CORES', flag: '--cpu-cores <n>', perWorkload: true,
    description: 'Guest CPU cores of each VM.',
  }),
  memory: setting(quantityKind(), {
    key: 'memory', default: '2Gi', env: 'VIRTWORK_MEMORY', flag: '--memory <quantity>', perWorkload: true,
    description: 'Guest memory of each VM.',
  }),
  diskSize: setting(quantityKind(), {
    key: 'disk-size', aliases: ['data-disk-size'], default: '10Gi', env: 'VIRTWORK_DISK_SIZE', flag: '--disk-size <quantity>',
    perWorkload: true,
    description: 'Size of the data disk (a DataVolume) of the storage workloads: disk, database, chaos-disk.',
  }),
  catalogDir: setting(textKind({ pattern: PATH, allowed: 'a directory path', type: 'path' }), {
    key: 'catalog-dir', env: 'VIRTWORK_CATALOG_DIR', flag: '--catalog-dir <dir>',
    defaultDoc: '`catalog/` next to virtwork.yaml when it exists (the entries shipped with virtwork are always available)',
    description: 'Directory of catalog workloads (one sub-directory per entry). Relative to virtwork.yaml in the file, to the working directory otherwise.',
  }),
  sshUser: setting(textKind({
    pattern: /^[a-z_][a-z0-9_-]{0,31}$/,
    allowed: 'a Linux user name (lowercase letters, digits, "_" and "-", not starting with a digit or "-", at most 32 characters)',
  }), {
    key: 'ssh-user', env: 'VIRTWORK_SSH_USER', flag: '--ssh-user <name>',
    defaultDoc: `\`${DEFAULT_SSH_USER}\`, when a password or key is given`,
    description: 'Guest user created for SSH access. Without a password or key no user is created and the image\'s default user stays.',
  }),
  sshPassword: setting(textKind({ pattern: /^[^\r\n]+$/, allowed: 'a non-empty single line', type: 'secret' }), {
    key: 'ssh-password', env: 'VIRTWORK_SSH_PASSWORD', flag: '--ssh-password <password>', secret: true,
    notInFile: 'a plaintext password does not belong in a file committed to Git: use ssh-password-hash ' +
      '(openssl passwd -6), or VIRTWORK_SSH_PASSWORD / --ssh-password',
    description: 'Password of the SSH user, hashed at synth time (dist/ never holds the plaintext). Environment or flag only.',
  }),
  sshPasswordHash: setting(textKind({
    pattern: /^\$(y|6|5|2[aby])\$[./A-Za-z0-9$=,]{8,}$/,
    allowed: 'a crypt(3) hash starting with $6$, $5$, $y$ or $2b$ (e.g. from `openssl passwd -6`)',
    type: 'crypt hash',
  }), {
    key: 'ssh-password-hash', env: 'VIRTWORK_SSH_PASSWORD_HASH', flag: '--ssh-password-hash <hash>', secret: true,
    description: 'Password of the SSH user as a crypt(3) hash, used as is; safe to commit.',
  }),
  sshAuthorizedKeys: setting(listKind(sshPublicKey, { allowed: 'a list of public SSH key lines', envSeparator: 'keys', flagSeparator: 'keys' }), {
    key: 'ssh-authorized-keys', env: 'VIRTWORK_SSH_AUTHORIZED_KEYS', flag: '--ssh-key <key>', repeatable: true,
    description: 'Public SSH keys of the SSH user. The variable and each --ssh-key hold one key per line, or the Go virtwork\'s ' +
      'comma-separated keys: a comma starts a new key only before a key type (ssh-…, ecdsa-…, sk-…), so a comment may hold commas.',
  }),
  sshKeyFiles: setting(listKind(textKind({ pattern: PATH, allowed: 'a file path', type: 'path' }), {
    allowed: 'a list of file paths', envSeparator: 'colon',
  }), {
    key: 'ssh-key-files', env: 'VIRTWORK_SSH_KEY_FILES', flag: '--ssh-key-file <path>', repeatable: true,
    description: 'Files of public SSH keys (one per line, like authorized_keys; blank lines and # comments skipped), added to ssh-authorized-keys. ' +
      'Relative to virtwork.yaml in the file; the environment variable separates paths with ":".',
  }),
  ...VM_SETTINGS,
  ...OUTPUT_SETTINGS,
} as const;

/** Name of a setting (the camelCase key of {@link SETTINGS}). */
export type SettingName = keyof typeof SETTINGS;
/** The value type of a setting. */
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N] extends Setting<infer T> ? T : never;
/** Resolved settings: every setting's value, undefined when unset and without default. */
export type Settings = { readonly [N in SettingName]: SettingValue<N> | undefined };

const workloadName = textKind({
  pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  allowed: 'a workload name (a built-in or a catalog entry: lowercase letters, digits and "-")',
  type: 'workload',
});

/**
 * The settings given only by environment and flag, where `virtwork.yaml` uses the `workloads` map instead:
 * the selection of workloads and their params.
 */
export const WORKLOAD_FLAGS = {
  workloads: setting(listKind(workloadName, { allowed: 'a list of workload names', envSeparator: 'comma', flagSeparator: 'comma' }), {
    key: 'workloads', env: 'VIRTWORK_WORKLOADS', flag: '-w, --workloads <names>', repeatable: true,
    notInFile: 'select workloads with workloads.<name>.enabled',
    defaultDoc: `\`${DEFAULT_WORKLOADS.join(',')}\`, changed by \`workloads.<name>.enabled\` in the file`,
    description: 'Workloads to synthesize, exactly and in this order: built-ins and catalog entries, comma-separated (the flag may be repeated).',
  }),
  fromCatalog: setting(listKind(workloadName, { allowed: 'a list of workload names', envSeparator: 'words', flagSeparator: 'comma' }), {
    key: 'from-catalog', env: 'VIRTWORK_FROM_CATALOG', flag: '--from-catalog <names>', repeatable: true,
    notInFile: 'the Go virtwork\'s key; in the file it is read as workloads.<name>.enabled: true (with a note)',
    defaultDoc: 'none',
    description: 'The Go virtwork\'s spelling: workloads appended to the selection (without --workloads / VIRTWORK_WORKLOADS, ' +
      'the selection is only these). The variable separates names with commas or spaces.',
  }),
  params: setting(textKind({ pattern: /^[\s\S]*$/, allowed: 'workload.key=value pairs', type: 'params' }), {
    key: 'params', env: 'VIRTWORK_PARAMS', flag: '--params <pairs>', repeatable: true,
    notInFile: 'set params with workloads.<name>.params.<key>',
    description: 'Workload params as workload.key=value pairs, comma-separated (the flag may be repeated); see "Params" below.',
  }),
} as const;

/** Keys of an entry of the `workloads` map besides the per-workload settings. */
export const WORKLOAD_ENTRY = {
  workload: setting(workloadName, {
    key: 'workload', defaultDoc: 'the entry\'s name',
    description: 'Workload type of this instance (a built-in or a catalog entry), so that several instances of one type can ' +
      'have their own names, settings and params: `cpu-light: {workload: cpu}` gives VMs `virtwork-cpu-light-<i>`.',
  }),
  enabled: setting(boolKind(), {
    key: 'enabled', defaultDoc: `\`true\` for ${DEFAULT_WORKLOADS.join(', ')} and for entries with \`workload\`; \`false\` for the others`,
    description: 'Adds the workload to the default selection (true) or removes it (false). Ignored when --workloads or VIRTWORK_WORKLOADS selects.',
  }),
  params: setting({ type: 'map', allowed: 'a mapping of param names to values', schema: z.record(z.string(), z.unknown()), fromText: (t) => t }, {
    key: 'params', defaultDoc: 'each param\'s own default (`virtwork workloads`)',
    description: 'Params of the workload, by name; values are checked against the workload\'s typed params.',
  }),
} as const;

/** Settings that may also be given under `workloads.<name>`. */
export function perWorkloadSettings(): Array<[SettingName, Setting]> {
  return (Object.entries(SETTINGS) as Array<[SettingName, Setting]>).filter(([, s]) => s.perWorkload === true);
}

/** The keys allowed at the top of `virtwork.yaml`, in table order, then `workloads` and `fleets`. */
export function fileKeys(): string[] {
  return [...Object.values(SETTINGS).filter((s: Setting) => s.notInFile === undefined).map((s) => s.key), 'workloads', 'fleets'];
}

/** The keys allowed in an entry of the `workloads` map. */
export function workloadEntryKeys(): string[] {
  return [WORKLOAD_ENTRY.enabled.key, WORKLOAD_ENTRY.workload.key, ...perWorkloadSettings().map(([, s]) => s.key), WORKLOAD_ENTRY.params.key];
}

/** The zod schema of a normalised `virtwork.yaml` (canonical keys), built from {@link SETTINGS}. */
export function configFileSchema(): z.ZodType<Record<string, unknown>> {
  const entry: Record<string, z.ZodType> = {
    [WORKLOAD_ENTRY.workload.key]: WORKLOAD_ENTRY.workload.schema.optional(),
    [WORKLOAD_ENTRY.enabled.key]: WORKLOAD_ENTRY.enabled.schema.optional(),
    [WORKLOAD_ENTRY.params.key]: WORKLOAD_ENTRY.params.schema.optional(),
  };
  for (const [, s] of perWorkloadSettings()) entry[s.key] = s.schema.optional();
  const top: Record<string, z.ZodType> = {};
  for (const s of Object.values(SETTINGS) as Setting[]) if (s.notInFile === undefined) top[s.key] = s.schema.optional();
  top.workloads = z.record(workloadName.schema, z.strictObject(entry)).optional();
  return z.strictObject(top);
}

/** The kind of the value at a key path of the (normalised) file, for messages; a list index gives the item kind. */
export function settingAt(path: readonly PropertyKey[]): Kind<unknown> | undefined {
  const inEntry = path[0] === 'workloads' && path.length >= 3;
  const key = inEntry ? path[2] : path[0];
  const candidates: readonly Setting[] = inEntry
    ? [WORKLOAD_ENTRY.workload, WORKLOAD_ENTRY.enabled, WORKLOAD_ENTRY.params, ...perWorkloadSettings().map(([, s]) => s)] as Setting[]
    : Object.values(SETTINGS) as Setting[];
  const found = candidates.find((s) => s.key === key);
  const isItem = path.length > (inEntry ? 3 : 1) && typeof path[inEntry ? 3 : 1] === 'number';
  return isItem && found?.item ? (found.item as Kind<unknown>) : found;
}
