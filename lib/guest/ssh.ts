import { VirtualMachineSpecTemplateSpecAccessCredentials as AccessCredential } from '../../imports/kubevirt.io';
import { CloudUser } from './cloud-init';
import { VirtworkError, show } from '../core/errors';
import { deriveSalt, sha512Crypt } from './_crypt';

/** User created when credentials are given without a user name. */
export const DEFAULT_SSH_USER = 'virtwork';
/** SHA-512 crypt rounds of the hashes virtwork computes (glibc's default is 5000; the hash may land in Git). */
export const PASSWORD_HASH_ROUNDS = 65536;

const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const RESERVED_USERS = ['root', 'bin', 'daemon', 'adm', 'lp', 'sync', 'shutdown', 'halt', 'mail', 'operator', 'games',
  'ftp', 'nobody', 'postgres', 'sshd', 'systemd-network', 'dbus', 'polkitd', 'chrony', 'tss'];
/** crypt(3) hashes cloud-init can pass to the guest: yescrypt, SHA-512, SHA-256, bcrypt. */
const CRYPT_HASH = /^\$(y|6|5|2[aby])\$[./A-Za-z0-9$=,]{8,}$/;
const KEY_TYPES = ['ssh-ed25519', 'ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];

/** SSH access as given by the user (flags, environment or configuration), before hashing. */
export interface SshInput {
  /**
   * Guest user name.
   * @default DEFAULT_SSH_USER
   */
  readonly user?: string;
  /** Plaintext password: hashed here, never written anywhere. */
  readonly password?: string;
  /** A ready crypt(3) hash (`$6$…`, `$y$…`), used as is. */
  readonly passwordHash?: string;
  /** Public keys, one per entry; an entry may hold several lines (a whole authorized_keys file). */
  readonly authorizedKeys?: readonly string[];
  /** Name of an existing Secret (in the VM namespace) whose values are public keys, added by the guest agent. */
  readonly keysSecret?: string;
  /** Name of an existing Secret whose keys are user names and values passwords, set by the guest agent. */
  readonly passwordSecret?: string;
}

/**
 * The cloud-init user for SSH access, or undefined when no credential (key, password or hash) is given: then no
 * `users` block is emitted and the image's default user stays. A password is turned into a SHA-512 crypt hash
 * whose salt is derived from the user and password, so synthesis stays byte-stable while the plaintext never
 * reaches `dist/`. Keys are split into lines, comments and blank lines dropped, duplicates removed, and each must
 * be a public key (a private key is refused with a hint). With `keysSecret` / `passwordSecret` the user is created
 * too (password locked), so that the guest agent has a user to give the Secrets' keys or password to
 * (see {@link sshAccessCredentials}).
 */
export function resolveSsh(input: SshInput): CloudUser | undefined {
  const keys = (input.authorizedKeys ?? []).flatMap((entry, i) => parseAuthorizedKeys(entry, `ssh key #${i + 1}`));
  const unique = keys.filter((k, i) => keys.indexOf(k) === i);
  if (input.password !== undefined && input.passwordHash !== undefined) {
    throw new VirtworkError('ssh: give either a password or a password hash, not both');
  }
  if (input.password !== undefined && input.password.length === 0) throw new VirtworkError('ssh: password must not be empty');
  const hashedPassword = input.passwordHash !== undefined ? checkHash(input.passwordHash) : undefined;
  const fromSecrets = input.keysSecret !== undefined || input.passwordSecret !== undefined;
  if (unique.length === 0 && input.password === undefined && hashedPassword === undefined && !fromSecrets) return undefined;
  const name = checkUser(input.user ?? DEFAULT_SSH_USER);
  return {
    name,
    ...(unique.length > 0 ? { sshAuthorizedKeys: unique } : {}),
    ...(input.password !== undefined ? { hashedPassword: hashPassword(name, input.password) } : {}),
    ...(hashedPassword !== undefined ? { hashedPassword } : {}),
  };
}

/**
 * KubeVirt access credentials that read SSH keys (`keysSecret`: every value is a public key) and passwords
 * (`passwordSecret`: keys are user names, values passwords) from existing Secrets in the VM's namespace, and hand
 * them to the guest through the qemu-guest-agent. Nothing of the Secrets lands in `dist/`; rotating them updates
 * running guests. Pass the result as `accessCredentials` of a workload.
 *
 * @see https://kubevirt.io/user-guide/user_workloads/accessing_virtual_machines/
 */
export function sshAccessCredentials(input: Pick<SshInput, 'user' | 'keysSecret' | 'passwordSecret'>): AccessCredential[] {
  const user = checkUser(input.user ?? DEFAULT_SSH_USER);
  const credentials: AccessCredential[] = [];
  if (input.keysSecret !== undefined) {
    credentials.push({
      sshPublicKey: {
        source: { secret: { secretName: checkSecretName('keysSecret', input.keysSecret) } },
        propagationMethod: { qemuGuestAgent: { users: [user] } },
      },
    });
  }
  if (input.passwordSecret !== undefined) {
    credentials.push({
      userPassword: {
        source: { secret: { secretName: checkSecretName('passwordSecret', input.passwordSecret) } },
        propagationMethod: { qemuGuestAgent: {} },
      },
    });
  }
  return credentials;
}

function checkSecretName(what: string, name: string): string {
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    throw new VirtworkError(`ssh: ${what} must be the name of a Secret (a DNS-1123 subdomain), got ${show(name)}`);
  }
  return name;
}

/** The SHA-512 crypt hash virtwork emits for a user's password (deterministic salt derived from both). */
export function hashPassword(user: string, password: string): string {
  return sha512Crypt(password, deriveSalt(`${user}\0${password}`), PASSWORD_HASH_ROUNDS);
}

/**
 * The public keys in `text` (one key, or an authorized_keys file): one per line, blank lines and `#` comments
 * skipped, each checked to be `[options] <type> <base64> [comment]`. `source` names the flag or file in errors.
 */
export function parseAuthorizedKeys(text: string, source: string): string[] {
  if (/PRIVATE KEY/.test(text)) {
    throw new VirtworkError(`${source}: this is a private key; give the public key (the .pub file) instead`);
  }
  const keys: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!isPublicKey(line)) {
      const shown = line.length > 40 ? `${line.slice(0, 40)}…` : line;
      throw new VirtworkError(
        `${source}: line ${i + 1} is not an SSH public key (expected "<type> <base64> [comment]" with type ` +
          `${KEY_TYPES.join(', ')}), got ${show(shown)}`,
      );
    }
    keys.push(line);
  });
  return keys;
}

function isPublicKey(line: string): boolean {
  const words = line.split(/\s+/);
  const at = words.findIndex((w) => KEY_TYPES.includes(w));
  return at >= 0 && at + 1 < words.length && /^[A-Za-z0-9+/]{16,}={0,3}$/.test(words[at + 1]);
}

function checkUser(name: string): string {
  if (!USER.test(name)) {
    throw new VirtworkError(
      `ssh: user must be a Linux user name (lowercase letter or '_' first, then lowercase letters, digits, '_' or '-', ` +
        `at most 32 characters), got ${show(name)}`,
    );
  }
  if (RESERVED_USERS.includes(name)) throw new VirtworkError(`ssh: user ${show(name)} is a system account; choose another name`);
  return name;
}

function checkHash(hash: string): string {
  if (!CRYPT_HASH.test(hash)) {
    throw new VirtworkError(
      'ssh: password hash must be a crypt(3) hash starting with $6$, $5$, $y$ or $2b$ (e.g. from `openssl passwd -6`); ' +
        'the value given is not one (not shown, in case it is a plaintext password)',
    );
  }
  return hash;
}
