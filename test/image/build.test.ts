import { checkBuildHost } from '../../lib/image/_preflight';
import { buildImage, snapshotMirror, sourceDateEpoch, uuidFrom } from '../../lib/image/build';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('image build inputs', () => {
  it('fails when the family cannot be built here, pointing at the blueprint', async () => {
    await expect(buildImage({ family: 'fedora', env: {}, cwd: '.', progress: () => {} }))
      .rejects.toThrow('image build: family "fedora" cannot be built on this machine; `virtwork image blueprint --family fedora`');
  });

  it('fails when a tool is missing, naming it and its Debian package', () => {
    const cache = mkdtempSync(join(tmpdir(), 'virtwork-img-'));
    expect(() => checkBuildHost(cache, { PATH: '/nonexistent' })).toThrow('debootstrap not found on PATH: install the Debian package debootstrap');
    expect(() => checkBuildHost(cache, { PATH: '/nonexistent' })).toThrow('qemu-img not found on PATH: install the Debian package qemu-utils');
  });

  it('fails when not root (checked by uid)', () => {
    const spy = jest.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      expect(() => checkBuildHost(mkdtempSync(join(tmpdir(), 'virtwork-img-')))).toThrow('must run as root');
    } finally {
      spy.mockRestore();
    }
  });

  it('SOURCE_DATE_EPOCH: digits only; a fixed default without it', () => {
    expect(sourceDateEpoch({})).toBe(1764547200);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1700000000);
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow('SOURCE_DATE_EPOCH: must be seconds since 1970 (digits), got "yesterday"');
  });

  it('--snapshot pins the archive to snapshot.debian.org, and says the format when wrong', () => {
    expect(snapshotMirror('20261201T000000Z')).toBe('http://snapshot.debian.org/archive/debian/20261201T000000Z/');
    expect(() => snapshotMirror('2026-12-01')).toThrow('like 20261201T000000Z, got "2026-12-01"');
  });

  it('the root file system UUID follows from the cache key (same inputs, same UUID)', () => {
    expect(uuidFrom('abc')).toBe(uuidFrom('abc'));
    expect(uuidFrom('abc')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFrom('abd')).not.toBe(uuidFrom('abc'));
  });
});
