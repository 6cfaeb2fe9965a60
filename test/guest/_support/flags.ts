/**
 * `virtwork synth` flags every tier synthesis uses: the golden image (its name only matters to the manifests; the
 * tier boots the qcow2 it was built from) small data disks (fio and PostgreSQL files sized for TCG) and no package step (the image has them).
 */
export const GOLDEN_IMAGE_FLAGS: Readonly<Record<string, unknown>> = {
  image: 'registry.example.com/virtwork/virtwork-disk:debian-bookworm',
  diskSize: '4Gi',
  packagesPreinstalled: 'true',
};
