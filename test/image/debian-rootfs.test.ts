import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sysvServices } from '../../lib/image/debian-rootfs';

/** A root file system with the given `/etc/rc<n>.d` links (to ../init.d/<name>) and native units. */
function fakeRoot(links: Record<number, string[]>, units: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'virtwork-rootfs-'));
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  for (const [level, names] of Object.entries(links)) {
    mkdirSync(join(root, `etc/rc${level}.d`), { recursive: true });
    for (const link of names) symlinkSync(`../init.d/${link.slice(3)}`, join(root, `etc/rc${level}.d`, link));
  }
  mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
  for (const unit of units) writeFileSync(join(root, 'usr/lib/systemd/system', unit), '[Service]\nExecStart=/bin/true\n');
  return root;
}

describe('the SysV services an image build disables (those systemd would start from /etc/init.d at boot)', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('finds a service with start links in runlevels 2–5 and no unit of its own (Debian\'s netperf)', () => {
    // GIVEN netperf started in 2–5, and a disabled service with only stop links
    const root = fakeRoot({ 2: ['S01netperf', 'K01rsync'], 3: ['S01netperf'], 5: ['S01netperf', 'K01rsync'] });
    roots.push(root);
    // THEN only netperf counts, once
    expect(sysvServices(root)).toEqual(['netperf']);
  });

  it('leaves out a script that has a native unit of the same name (systemd ignores the script then), and sorts', () => {
    const root = fakeRoot({ 2: ['S01nginx', 'S02zeta', 'S01alpha'] }, ['nginx.service']);
    roots.push(root);
    expect(sysvServices(root)).toEqual(['alpha', 'zeta']);
  });

  it('is empty for a root without rc directories (a minimal system)', () => {
    const root = fakeRoot({});
    roots.push(root);
    expect(sysvServices(root)).toEqual([]);
  });
});
