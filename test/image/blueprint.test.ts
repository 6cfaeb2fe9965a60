import { blueprintFiles, FEDORA_BASE_PACKAGES } from '../../lib/image/blueprint';
import { workloadPackages } from '../../lib/image/packages';

const cwd = `${__dirname}/../..`;

/** The `[[packages]]` names of a blueprint, parsed line by line (TOML tables of two keys). */
function blueprintPackages(toml: string): string[] {
  const names: string[] = [];
  const lines = toml.split('\n');
  lines.forEach((line, i) => {
    if (line === '[[packages]]') names.push(JSON.parse(lines[i + 1].replace(/^name = /, '')));
  });
  return names;
}

describe('blueprintFiles', () => {
  const wp = workloadPackages({ family: 'fedora', env: {}, cwd });
  const files = blueprintFiles('fedora', wp.packages);

  it('GIVEN every workload THEN the blueprint lists the synthesized fedora packages plus cloud-init and the agent', () => {
    expect(blueprintPackages(files.get('blueprint.toml')!)).toEqual([...new Set([...FEDORA_BASE_PACKAGES, ...wp.packages])].sort());
  });

  it('THEN the package list is pinned (a workload that changes its packages changes this test on purpose)', () => {
    expect(blueprintPackages(files.get('blueprint.toml')!)).toMatchSnapshot();
  });

  it('THEN the Containerfile copies the qcow2 to /disk/disk.qcow2 owned 107:107 FROM scratch', () => {
    const cf = files.get('Containerfile')!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(cf[0]).toBe('FROM scratch');
    expect(cf).toContain('COPY --chown=107:107 disk.qcow2 /disk/disk.qcow2');
  });

  it('THEN build.sh runs image-builder for the family\'s distro and podman build', () => {
    expect(blueprintFiles('centos-stream', []).get('build.sh')).toMatch(/image-builder build qcow2 --distro centos-9 /);
    expect(files.get('build.sh')).toMatch(/podman build -f Containerfile/);
  });
});
