import { parseCloudConfig, renderCloudConfig } from '../../lib/guest/cloud-init';
import { cloudInitProblems } from '../support/validators';

describe('renderCloudConfig', () => {
  it('renders an empty config as the bare header', () => {
    expect(renderCloudConfig({})).toBe('#cloud-config\n');
  });

  it('omits empty sections and the users block without credentials', () => {
    const text = renderCloudConfig({ packages: ['stress-ng'], writeFiles: [], runcmd: [] });
    expect(parseCloudConfig(text)).toEqual({ packages: ['stress-ng'] });
  });

  it('renders files as block literals with string permissions, runcmd as argv lists, in a fixed order', () => {
    // GIVEN a config with every section
    const text = renderCloudConfig({
      runcmd: [['systemctl', 'daemon-reload']],
      writeFiles: [{ path: '/etc/x.conf', content: 'a\nb\n', permissions: '0644' }],
      packages: ['fio'],
      user: { name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAA ops@example'] },
    });
    // THEN the parsed document carries them, keys in the documented order
    const doc = parseCloudConfig(text);
    expect(Object.keys(doc)).toEqual(['users', 'packages', 'write_files', 'runcmd']);
    expect(doc.write_files).toEqual([{ path: '/etc/x.conf', content: 'a\nb\n', permissions: '0644' }]);
    expect(doc.runcmd).toEqual([['systemctl', 'daemon-reload']]);
    expect(doc.users).toEqual([
      { name: 'ops', sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: true, ssh_authorized_keys: ['ssh-ed25519 AAAA ops@example'] },
    ]);
    expect(text).toContain('content: |\n      a\n      b\n');
    expect(cloudInitProblems(text)).toEqual([]);
  });

  it('enables password login only with a hashed password', () => {
    const doc = parseCloudConfig(renderCloudConfig({ user: { name: 'ops', hashedPassword: '$6$salt$hash' } }));
    expect(doc.ssh_pwauth).toBe(true);
    expect((doc.users as any[])[0]).toMatchObject({ lock_passwd: false, hashed_passwd: '$6$salt$hash' });
  });

  it('fails when an extra key collides with a reserved key', () => {
    expect(() => renderCloudConfig({ extra: { runcmd: [] } })).toThrow(
      'cloud-config extra key "runcmd" collides with a reserved key (apt, packages, write_files, runcmd, users, ssh_pwauth)',
    );
    expect(() => renderCloudConfig({ extra: { apt: {} } })).toThrow('cloud-config extra key "apt" collides with a reserved key');
  });

  it('writes the apt section before the packages it serves, and cloud-init accepts it', () => {
    const apt = { preserve_sources_list: true, sources: { 'virtwork-non-free': { source: 'deb $MIRROR $RELEASE non-free' } } };
    const text = renderCloudConfig({ apt, packages: ['netperf'] });
    expect(Object.keys(parseCloudConfig(text))).toEqual(['apt', 'packages']);
    expect(parseCloudConfig(text).apt).toEqual(apt);
    expect(cloudInitProblems(text)).toEqual([]);
  });

  it('is deterministic', () => {
    const cfg = { packages: ['a', 'b'], extra: { timezone: 'UTC', bootcmd: [['true']] } };
    expect(renderCloudConfig(cfg)).toBe(renderCloudConfig(cfg));
    expect(Object.keys(parseCloudConfig(renderCloudConfig(cfg)))).toEqual(['packages', 'bootcmd', 'timezone']);
  });
});
