import { parse } from 'yaml';
import { VirtworkError } from '../core/errors';
import { yamlDocumentWriter } from '../core/_yaml-writer';

/** A file written by cloud-init's `write_files` module. */
export interface WriteFile {
  /** Absolute path in the guest. */
  readonly path: string;
  /** File content. */
  readonly content: string;
  /** Octal permissions as a string, e.g. `'0644'`. */
  readonly permissions: string;
}

/** The guest user cloud-init creates for SSH access. Only emitted when a credential is given. */
export interface CloudUser {
  /** User name. */
  readonly name: string;
  /** Public SSH keys (inline). */
  readonly sshAuthorizedKeys?: readonly string[];
  /** A crypt(3) hash of the password (never the plaintext). */
  readonly hashedPassword?: string;
}

/** Everything a workload puts in its `#cloud-config`. */
export interface CloudConfig {
  /** Packages installed by cloud-init's package module. */
  readonly packages?: readonly string[];
  /** cloud-init's `apt` section (extra archive components the packages need; see familyAptSources). */
  readonly apt?: Readonly<Record<string, unknown>>;
  /** Files written before `runcmd` runs. */
  readonly writeFiles?: readonly WriteFile[];
  /** Commands, each an argv list (exec form, no shell unless the argv says so). */
  readonly runcmd?: readonly (readonly string[])[];
  /** The SSH user, when credentials are configured. */
  readonly user?: CloudUser;
  /** Further top-level keys (escape hatch); reserved keys are rejected. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

const RESERVED = ['apt', 'packages', 'write_files', 'runcmd', 'users', 'ssh_pwauth'];

/**
 * Renders a `#cloud-config` document: sections in a fixed order, empty sections left out, multi-line
 * content as YAML block literals so that a diff of `dist/` reads line by line.
 */
export function renderCloudConfig(config: CloudConfig): string {
  const doc: Record<string, unknown> = {};
  if (config.user) {
    const u = config.user;
    const user: Record<string, unknown> = {
      name: u.name,
      sudo: 'ALL=(ALL) NOPASSWD:ALL',
      shell: '/bin/bash',
      lock_passwd: u.hashedPassword === undefined,
    };
    if (u.hashedPassword !== undefined) user.hashed_passwd = u.hashedPassword;
    if (u.sshAuthorizedKeys?.length) user.ssh_authorized_keys = [...u.sshAuthorizedKeys];
    doc.users = [user];
    if (u.hashedPassword !== undefined) doc.ssh_pwauth = true;
  }
  if (config.apt) doc.apt = config.apt;
  if (config.packages?.length) doc.packages = [...config.packages];
  if (config.writeFiles?.length) {
    doc.write_files = config.writeFiles.map((f) => ({ path: f.path, content: f.content, permissions: f.permissions }));
  }
  if (config.runcmd?.length) doc.runcmd = config.runcmd.map((argv) => [...argv]);
  for (const key of Object.keys(config.extra ?? {}).sort()) {
    if (RESERVED.includes(key)) {
      throw new VirtworkError(`cloud-config extra key "${key}" collides with a reserved key (${RESERVED.join(', ')})`);
    }
    doc[key] = config.extra![key];
  }
  if (Object.keys(doc).length === 0) return '#cloud-config\n';
  return '#cloud-config\n' + toYaml(doc);
}

/**
 * `stringify(value, { lineWidth: 0, blockQuote: 'literal' })`: every multi-line string value as a `|` block literal,
 * in one pass. One writer for the process, so that the unit text and scripts the VMs of a role share are laid out once
 * (its memo is bounded); the bytes are yaml's own (see _yaml-writer.ts).
 */
const toYaml = yamlDocumentWriter({ aliasDuplicateObjects: true, maxMemoStrings: 20_000 });

/** Parses a rendered cloud-config back into data (used by tests and the catalog validator). */
export function parseCloudConfig(text: string): Record<string, unknown> {
  if (!text.startsWith('#cloud-config\n')) throw new VirtworkError('user-data must start with "#cloud-config"');
  return (parse(text) as Record<string, unknown> | null) ?? {};
}
