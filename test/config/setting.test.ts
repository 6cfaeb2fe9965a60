import { SETTINGS, WORKLOAD_ENTRY, WORKLOAD_FLAGS } from '../../lib/config/schema';
import { Setting, boolKind, intKind, listKind, oneOfKind, quantityKind, setting, textKind } from '../../lib/config/setting';

describe('kinds', () => {
  it.each([
    [SETTINGS.cpuCores, 4, 4], [SETTINGS.cpuCores, ' 4 ', 4], [SETTINGS.cpuCores, '+4', 4],
    [SETTINGS.memory, '512Mi', '512Mi'], [SETTINGS.memory, '1.5Gi', '1.5Gi'],
    [SETTINGS.runId, 2024, '2024'], [SETTINGS.namespace, 'a-b-1', 'a-b-1'],
    [WORKLOAD_ENTRY.enabled, 'TRUE', true], [WORKLOAD_ENTRY.enabled, false, false],
    [SETTINGS.sshPasswordHash, '$6$saltsalt$abcdefgh', '$6$saltsalt$abcdefgh'],
  ])('accepts %#', (kind, value, parsed) => {
    expect((kind as Setting).schema.parse(value)).toEqual(parsed);
  });

  it.each([
    [SETTINGS.cpuCores, 0], [SETTINGS.cpuCores, 1.5], [SETTINGS.cpuCores, '1e3'], [SETTINGS.cpuCores, 513],
    [SETTINGS.memory, '0'], [SETTINGS.memory, '2GB'], [SETTINGS.memory, ''],
    [SETTINGS.namespace, '-a'], [SETTINGS.namespace, 'a'.repeat(64)], [SETTINGS.runId, 'a b'], [SETTINGS.runId, ''],
    [SETTINGS.image, 'a b'], [SETTINGS.sshUser, '1user'], [SETTINGS.sshPassword, 'a\nb'], [SETTINGS.sshPasswordHash, '$1$md5$abcdefgh'],
    [SETTINGS.sshAuthorizedKeys, ['ssh-ed25519']], [SETTINGS.sshAuthorizedKeys, 'ssh-ed25519 AAAA'], [WORKLOAD_ENTRY.enabled, 'yes'],
    [SETTINGS.catalogDir, 'a\nb'],
  ])('rejects %#', (kind, value) => {
    expect((kind as Setting).schema.safeParse(value).success).toBe(false);
  });

  it('splits list variables by their separator and drops blanks', () => {
    expect(SETTINGS.sshAuthorizedKeys.fromText('a b\r\n\n c d \n')).toEqual(['a b', 'c d']);
    expect(SETTINGS.sshKeyFiles.fromText('/a:b.pub::')).toEqual(['/a', 'b.pub']);
    expect(WORKLOAD_FLAGS.workloads.fromText(' cpu, ,memory ')).toEqual(['cpu', 'memory']);
    expect(WORKLOAD_FLAGS.workloads.splitFlag!('cpu,memory')).toEqual(['cpu', 'memory']);
  });

  describe('SSH keys in the Go comma format', () => {
    const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlzcnR1aXZ3eHl6MDEyMzQ1Njc4OWFiY2RlZmdoaWpr';
    const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDfakekey';
    const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY';
    const SK = 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t';

    it.each([
      ['two keys, the Go way', `${ED} alice@host,${RSA} bob@host`, [`${ED} alice@host`, `${RSA} bob@host`]],
      ['a comma and spaces before the next key', `${ED} a ,  ${ECDSA} b`, [`${ED} a`, `${ECDSA} b`]],
      ['comments that hold commas stay whole', `${ED} Alice, Bob, and Carol,${SK} dave,eve`, [`${ED} Alice, Bob, and Carol`, `${SK} dave,eve`]],
      ['a comment that names a key type without a key', `${ED} moved,ssh-rsa later`, [`${ED} moved,ssh-rsa later`]],
      ['keys without comments', `${ED},${RSA}`, [ED, RSA]],
      ['one key per line, as before', `${ED} a,b\n${RSA} c`, [`${ED} a,b`, `${RSA} c`]],
    ])('splits %s', (_name, text, keys) => {
      // WHEN the variable or one --ssh-key holds the text
      // THEN each key is one item, never two keys in one line and never a key cut in two
      expect(SETTINGS.sshAuthorizedKeys.fromText(text)).toEqual(keys);
      expect(SETTINGS.sshAuthorizedKeys.splitFlag!(text)).toEqual(keys);
      for (const key of keys) expect(SETTINGS.sshAuthorizedKeys.item!.schema.safeParse(key).success).toBe(true);
    });
  });
});


describe('setting', () => {
  it('merges a kind with its metadata, the metadata winning', () => {
    const s = setting(intKind(1, 3), { key: 'x', description: 'X.', type: 'count' });
    expect(s).toEqual(expect.objectContaining({ key: 'x', type: 'count', allowed: 'an integer from 1 to 3', description: 'X.' }));
  });

  it.each([
    [intKind(1, 3), 'an integer from 1 to 3', 'int'],
    [quantityKind(), 'a positive quantity like 512Mi, 2Gi or 10G', 'quantity'],
    [boolKind(), 'true or false', 'bool'],
    [oneOfKind(['a', 'b']), 'one of a, b', 'enum'],
    [textKind({ pattern: /^x$/, allowed: 'x' }), 'x', 'string'],
    [listKind(textKind({ pattern: /^x$/, allowed: 'x' }), { allowed: 'xs', envSeparator: 'comma' }), 'xs', 'list of strings'],
  ])('documents kind %#', (kind, allowed, type) => {
    expect({ allowed: kind.allowed, type: kind.type }).toEqual({ allowed, type });
  });

  it('accepts only the words of a oneOf kind', () => {
    expect(oneOfKind(['Always', 'Halted']).schema.safeParse('Halted').success).toBe(true);
    expect(oneOfKind(['Always', 'Halted']).schema.safeParse('halted').success).toBe(false);
  });
});
