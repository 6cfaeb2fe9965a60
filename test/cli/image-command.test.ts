import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, virtwork } from './_run';

describe('virtwork image', () => {
  it('GIVEN blueprint --family fedora THEN blueprint.toml, Containerfile and an executable build.sh are written', async () => {
    const s = scratch();
    try {
      const r = await virtwork(['image', 'blueprint', '--family', 'fedora', '-w', 'cpu,disk', '-o', join(s.dir, 'golden')], process.cwd());
      expect(r).toMatchObject({ code: 0, err: '' });
      const toml = readFileSync(join(s.dir, 'golden/blueprint.toml'), 'utf8');
      expect(toml).toContain('name = "stress-ng"');
      expect(toml).toContain('name = "fio"');
      expect(statSync(join(s.dir, 'golden/build.sh')).mode & 0o111).not.toBe(0);
    } finally {
      s.cleanup();
    }
  });

  it('fails when the family is unknown, listing the allowed ones', async () => {
    const r = await virtwork(['image', 'build', '--family', 'arch'], process.cwd());
    expect(r.code).toBe(1);
    expect(r.err).toContain('--family: unknown family "arch"; allowed: debian, fedora, centos-stream');
  });

  it('fails when build is asked for fedora, pointing at blueprint', async () => {
    const r = await virtwork(['image', 'build', '--family', 'fedora'], process.cwd());
    expect(r.code).toBe(1);
    expect(r.err).toContain('virtwork image blueprint --family fedora');
  });

  it('fails when --disk-size is not a whole number of MiB of at least 2Gi', async () => {
    const r = await virtwork(['image', 'build', '--family', 'debian', '--disk-size', '1Gi'], process.cwd());
    expect(r.code).toBe(1);
    expect(r.err).toContain('--disk-size: must be a quantity of whole MiB, at least 2Gi (e.g. 4Gi), got "1Gi"');
  });

  it('fails when --family is missing (usage error, exit 2)', async () => {
    const r = await virtwork(['image', 'build'], process.cwd());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--family/);
  });
});
