import { spawnSync } from 'node:child_process';
import { parseCloudConfig, renderCloudConfig } from '../lib/guest/cloud-init';
import { Testing } from 'cdk8s';
import { DEFAULT_SSH_USER, PASSWORD_HASH_ROUNDS, hashPassword, parseAuthorizedKeys, resolveSsh, sshAccessCredentials } from '../lib/guest/ssh';
import { CpuWorkload } from '../lib/workloads/cpu';
import { K8sObject, cloudInitProblems, validateObjects } from './support/validators';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA bob@desk';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=';

describe('resolveSsh', () => {
  it.each([
    [{}],
    [{ user: 'alice' }],
    [{ authorizedKeys: [] }],
    [{ authorizedKeys: ['', '# only a comment\n'] }],
  ])('gives no user (so no users block) without a credential: %j', (input) => {
    expect(resolveSsh(input)).toBeUndefined();
  });

  it('creates the default user with the public keys, password locked', () => {
    expect(resolveSsh({ authorizedKeys: [ED] })).toEqual({ name: DEFAULT_SSH_USER, sshAuthorizedKeys: [ED] });
  });

  it('splits a whole authorized_keys file into keys, skipping blanks and comments, removing duplicates', () => {
    const file = `# team keys\n${ED}\n\n  ${RSA}  \r\n${ED}\n`;
    expect(resolveSsh({ user: 'ops', authorizedKeys: [file, ECDSA] })).toEqual({ name: 'ops', sshAuthorizedKeys: [ED, RSA, ECDSA] });
  });

  it('accepts keys with authorized_keys options and keys with commas (never split on commas)', () => {
    const withOptions = `from="10.0.0.0/8",no-pty ${ED}`;
    expect(resolveSsh({ authorizedKeys: [withOptions, `${RSA},with,commas`] })?.sshAuthorizedKeys).toEqual([withOptions, `${RSA},with,commas`]);
  });

  it('hashes a password with SHA-512 crypt: deterministic, salted per user and password, never the plaintext', () => {
    const user = resolveSsh({ user: 'alice', password: 'correct horse' })!;
    expect(user.name).toBe('alice');
    expect(user.hashedPassword).toMatch(new RegExp(`^\\$6\\$rounds=${PASSWORD_HASH_ROUNDS}\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}$`));
    expect(JSON.stringify(user)).not.toContain('correct horse');
    expect(resolveSsh({ user: 'alice', password: 'correct horse' })).toEqual(user);
    expect(hashPassword('bob', 'correct horse')).not.toBe(user.hashedPassword);
    expect(hashPassword('alice', 'correct horse!')).not.toBe(user.hashedPassword);
  });

  it('produces a hash the system crypt(3) verifies (glibc, through Python, when available)', () => {
    const hash = hashPassword('alice', 'pässwörd');
    const check = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]))', 'pässwörd', hash], { encoding: 'utf8' });
    if (check.status !== 0) return; // no python3 crypt module: the published vectors in crypt.test.ts still pin the algorithm
    expect(check.stdout.trim()).toBe(hash);
  });

  it('passes a ready password hash through, with keys', () => {
    const hash = '$6$rounds=5000$abcdefgh$' + 'x'.repeat(86);
    expect(resolveSsh({ passwordHash: hash, authorizedKeys: [ED] })).toEqual({ name: 'virtwork', sshAuthorizedKeys: [ED], hashedPassword: hash });
    expect(resolveSsh({ passwordHash: '$y$j9T$abcdefghijklmnop$qrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU' })?.hashedPassword).toMatch(/^\$y\$/);
  });

  it('renders a users block that cloud-init accepts, with ssh_pwauth only when there is a password', () => {
    const texts = [renderCloudConfig({ user: resolveSsh({ password: 'pw', authorizedKeys: [ED] }) }), renderCloudConfig({ user: resolveSsh({ authorizedKeys: [ED] }) })];
    const withPassword = parseCloudConfig(texts[0]) as any;
    expect(withPassword.users).toEqual([{
      name: 'virtwork', sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: false,
      hashed_passwd: hashPassword('virtwork', 'pw'), ssh_authorized_keys: [ED],
    }]);
    expect(withPassword.ssh_pwauth).toBe(true);
    expect(JSON.stringify(withPassword)).not.toMatch(/plain_text_passwd|"pw"/);
    const keysOnly = parseCloudConfig(texts[1]) as any;
    expect(keysOnly.users[0].lock_passwd).toBe(true);
    expect(keysOnly.ssh_pwauth).toBeUndefined();
    for (const text of texts) expect(cloudInitProblems(text)).toEqual([]);
  });

  it.each([
    [{ password: 'a', passwordHash: '$6$abcdefgh$xxxxxxxx' }, 'ssh: give either a password or a password hash, not both'],
    [{ password: '' }, 'ssh: password must not be empty'],
    [{ user: 'Alice', authorizedKeys: [ED] }, 'ssh: user must be a Linux user name'],
    [{ user: '$(reboot)', password: 'x' }, 'ssh: user must be a Linux user name'],
    [{ user: 'a\nroot', password: 'x' }, 'ssh: user must be a Linux user name'],
    [{ user: 'root', authorizedKeys: [ED] }, 'ssh: user "root" is a system account; choose another name'],
    [{ user: 'postgres', authorizedKeys: [ED] }, 'ssh: user "postgres" is a system account'],
    [{ authorizedKeys: ['not a key'] }, 'ssh key #1: line 1 is not an SSH public key (expected "<type> <base64> [comment]" with type ssh-ed25519'],
    [{ authorizedKeys: [ED, `${ED}\nssh-ed25519 !!!`] }, 'ssh key #2: line 2 is not an SSH public key'],
    [{ authorizedKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'] },
      'ssh key #1: this is a private key; give the public key (the .pub file) instead'],
  ])('fails when given %j', (input, message) => {
    expect(() => resolveSsh(input)).toThrow(message);
  });

  it('fails on a malformed hash without echoing it (it may be a plaintext password by mistake)', () => {
    let message = '';
    try {
      resolveSsh({ passwordHash: 'hunter2-plaintext' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('ssh: password hash must be a crypt(3) hash starting with $6$, $5$, $y$ or $2b$');
    expect(message).not.toContain('hunter2');
  });
});

describe('parseAuthorizedKeys', () => {
  it('names the source and line of a bad key, and shortens long lines', () => {
    expect(() => parseAuthorizedKeys(`${ED}\n${'z'.repeat(100)}`, '~/.ssh/keys.pub')).toThrow(
      `~/.ssh/keys.pub: line 2 is not an SSH public key`,
    );
    expect(() => parseAuthorizedKeys('z'.repeat(100), 'f')).toThrow(`got "${'z'.repeat(40)}…"`);
  });
});

describe('sshAccessCredentials', () => {
  it('reads keys and passwords from existing Secrets through the guest agent, for the SSH user', () => {
    expect(sshAccessCredentials({ user: 'ops', keysSecret: 'team-keys', passwordSecret: 'vm-passwords' })).toEqual([
      { sshPublicKey: { source: { secret: { secretName: 'team-keys' } }, propagationMethod: { qemuGuestAgent: { users: ['ops'] } } } },
      { userPassword: { source: { secret: { secretName: 'vm-passwords' } }, propagationMethod: { qemuGuestAgent: {} } } },
    ]);
    expect(sshAccessCredentials({})).toEqual([]);
  });

  it('creates the user (password locked, no keys in dist/) when only Secrets are given, so the agent can update it', () => {
    expect(resolveSsh({ user: 'ops', keysSecret: 'team-keys' })).toEqual({ name: 'ops' });
  });

  it('puts them on every VM of a workload, valid against the KubeVirt CRD schema', () => {
    const chart = Testing.chart();
    new CpuWorkload(chart, 'cpu', {
      vmCount: 2,
      ssh: resolveSsh({ keysSecret: 'team-keys' }),
      accessCredentials: sshAccessCredentials({ keysSecret: 'team-keys', passwordSecret: 'pw' }),
    });
    const objs = Testing.synth(chart) as K8sObject[];
    const vms = objs.filter((o) => o.kind === 'VirtualMachine');
    expect(vms).toHaveLength(2);
    for (const vm of vms) {
      expect(vm.spec.template.spec.accessCredentials.map((c: any) => Object.keys(c)[0])).toEqual(['sshPublicKey', 'userPassword']);
    }
    expect(validateObjects(objs)).toEqual([]);
  });

  it.each([
    [{ keysSecret: 'Team_Keys' }, 'ssh: keysSecret must be the name of a Secret (a DNS-1123 subdomain), got "Team_Keys"'],
    [{ passwordSecret: '' }, 'ssh: passwordSecret must be the name of a Secret (a DNS-1123 subdomain), got ""'],
    [{ user: 'root', keysSecret: 'k' }, 'ssh: user "root" is a system account'],
  ])('fails when given %j', (input, message) => {
    expect(() => sshAccessCredentials(input)).toThrow(message);
  });
});
