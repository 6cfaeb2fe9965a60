import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkOciArchive } from '../support/oci-layout';
import { tierEnv } from './_support/tier-env';

// the archive the tier's image build wrote next to the qcow2 the guests boot
const dir = dirname(tierEnv().image);
const archive = join(dir, 'containerdisk.oci.tar');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

const HAS_SKOPEO = spawnSync('skopeo', ['--version']).status === 0;

describe('the golden image build (the archive and manifest beside the qcow2 the guests boot)', () => {
  it('the containerDisk archive is a valid OCI layout whose layer holds disk/disk.qcow2 owned 107:107, byte for byte the qcow2', () => {
    const check = checkOciArchive(archive);
    const disk = check.layer.find((m) => m.name === 'disk/disk.qcow2')!;
    expect([disk.uid, disk.gid]).toEqual([107, 107]);
    expect(disk.size).toBe(manifest.qcow2.bytes);
    expect(check.manifest.config.digest).toMatch(/^sha256:/);

  });

  // skipped only where skopeo is missing (the reason is in the name); .ci/run installs it
  (HAS_SKOPEO ? it : it.skip)(`skopeo accepts it as oci-archive: and reports the digest the manifest recorded${HAS_SKOPEO ? '' : ' (skipped: skopeo is not installed: apt-get install skopeo)'}`, () => {
    const info = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${archive}:${manifest.containerDisk.tag}`], { encoding: 'utf8' }));
    expect(info.Digest).toBe(manifest.containerDisk.manifestDigest);
  });

  it('the manifest lists every installed package with a version, the workload packages among them', () => {
    const installed = new Map<string, string>(manifest.installed.map((p: { name: string; version: string }) => [p.name, p.version]));
    for (const pkgs of Object.values(manifest.workloadPackages) as string[][]) {
      for (const p of pkgs) expect([p, installed.has(p)]).toEqual([p, true]);
    }
    for (const p of ['linux-image-cloud-amd64', 'cloud-init', 'qemu-guest-agent']) expect(installed.get(p)).toMatch(/\d/);
  });

  it('the manifest records the services the workload packages enabled, the SysV-only netperf among them, as disabled again', () => {
    expect(manifest.disabledUnits).toContain('netperf.service');
  });

  it('qemu-img: the qcow2 is a qcow2 of the recorded size with an MBR partition table and GRUB in it', () => {
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', tierEnv().image], { encoding: 'utf8' }));
    expect(info.format).toBe('qcow2');
    expect(info['virtual-size']).toBe(manifest.sizeMiB * 1024 * 1024);
    const mbrFile = join(tierEnv().workDir, 'mbr.raw');
    execFileSync('qemu-img', ['dd', '-f', 'qcow2', '-O', 'raw', `if=${tierEnv().image}`, `of=${mbrFile}`, 'bs=512', 'count=1']);
    const mbr = readFileSync(mbrFile);
    expect(mbr.readUInt16LE(510)).toBe(0xaa55); // boot signature
    expect(mbr.subarray(0, 440).toString('latin1')).toContain('GRUB'); // GRUB's boot.img
    expect(mbr[446]).toBe(0x80); // partition 1 bootable
    expect(mbr[446 + 4]).toBe(0x83); // Linux
  });
});
