import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../../lib/cluster/_cancelled';
import { readManifests } from '../../lib/cluster/manifests';
import { scratchDir } from './_run';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n';

/** Runs `body`, returns the message it failed with (one line expected). */
async function failure(body: () => Promise<unknown>): Promise<string> {
  try {
    await body();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a failure');
}

describe('the manifest walk: bounded, never through a directory link, one short line for bad input', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('walk');
    fs.writeFileSync(path.join(dir, 'secret.yaml'), SECRET);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('does not follow two symbolic links of a directory to itself (a -> ., b -> .): each object once', async () => {
    fs.symlinkSync('.', path.join(dir, 'a'));
    fs.symlinkSync('.', path.join(dir, 'b'));
    const skipped: string[] = [];
    const manifests = await readManifests(dir, { onSkip: (file, why) => skipped.push(`${path.basename(file)}: ${why}`) });
    expect(manifests.map((m) => path.relative(dir, m.file))).toEqual(['secret.yaml']);
    expect(skipped).toEqual(['a: a symbolic link to a directory (not followed)', 'b: a symbolic link to a directory (not followed)']);
  });

  it('does not follow a single loop -> . either (no misleading "also defined in")', async () => {
    fs.symlinkSync('.', path.join(dir, 'loop'));
    await expect(readManifests(dir)).resolves.toHaveLength(1);
  });

  it('does not follow a link to a directory outside the tree', async () => {
    const outside = scratchDir('outside');
    fs.writeFileSync(path.join(outside, 'other.yaml'), SECRET.replace('name: s', 'name: other'));
    fs.symlinkSync(outside, path.join(dir, 'elsewhere'));
    expect((await readManifests(dir)).map((m) => m.object.metadata.name)).toEqual(['s']);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('follows a link to a file', async () => {
    fs.writeFileSync(path.join(dir, 'real.txt'), SECRET.replace('name: s', 'name: linked'));
    fs.symlinkSync('real.txt', path.join(dir, 'linked.yaml'));
    expect((await readManifests(dir)).map((m) => m.object.metadata.name)).toEqual(['linked', 's']);
  });

  it('fails on a file symlink loop (a.yaml -> b.yaml -> a.yaml) with one line, no stack trace', async () => {
    fs.symlinkSync('b.yaml', path.join(dir, 'a.yaml'));
    fs.symlinkSync('a.yaml', path.join(dir, 'b.yaml'));
    expect(await failure(() => readManifests(dir))).toBe(`${path.join(dir, 'a.yaml')}: a loop of symbolic links (ELOOP): it points back to itself`);
    expect(await failure(() => readManifests(path.join(dir, 'b.yaml')))).toBe(`${path.join(dir, 'b.yaml')}: a loop of symbolic links (ELOOP): it points back to itself`);
  });

  it('fails on a 50 MB binary *.yaml with one short line that quotes none of it', async () => {
    // GIVEN 50 MB of random bytes named like a manifest (generated here, in a temporary directory)
    const big = path.join(dir, 'big.yaml');
    const fd = fs.openSync(big, 'w');
    for (let i = 0; i < 50; i++) fs.writeSync(fd, randomBytes(1024 * 1024));
    fs.closeSync(fd);
    // THEN one short line names it and quotes none of it
    expect(await failure(() => readManifests(dir))).toBe(`${big}: not a text file (it holds NUL bytes), so not a YAML or JSON manifest`);
    // AND above the size limit (64 MiB by default), the size is what is named, before anything is read
    expect(await failure(() => readManifests(dir, { limits: { maxFileBytes: 32 * 1024 * 1024 } }))).toBe(`${big}: 52428800 bytes is more than a manifest file may hold (32 MiB)`);
  }, 30_000);

  it('caps what an error quotes from the input at 200 characters, on one line', async () => {
    fs.writeFileSync(path.join(dir, 'junk.yaml'), `${'x'.repeat(300_000)}\n`);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), `key: [${'y'.repeat(300_000)}\n`);
    const junk = await failure(() => readManifests(path.join(dir, 'junk.yaml')));
    expect(junk).toMatch(/^.*junk\.yaml document 1: expected a Kubernetes object .*, got "x{199}… \(\d+ more characters\)$/);
    const bad = await failure(() => readManifests(path.join(dir, 'bad.yaml')));
    expect(bad.length).toBeLessThan(500);
    expect(bad).not.toContain('\n');
  });

  it('fails on non-UTF-8 text', async () => {
    fs.writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(await failure(() => readManifests(path.join(dir, 'latin1.yaml')))).toMatch(/latin1\.yaml: not UTF-8 text, so not a YAML or JSON manifest$/);
  });

  it('fails when the tree is deeper than the limit, or holds more files than the limit', async () => {
    fs.mkdirSync(path.join(dir, 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'b', 'c', 'deep.yaml'), SECRET.replace('name: s', 'name: deep'));
    expect(await failure(() => readManifests(dir, { limits: { maxDepth: 2 } }))).toBe(`${path.join(dir, 'a', 'b', 'c')}: the manifest directory is more than 2 levels deep`);
    expect(await failure(() => readManifests(dir, { limits: { maxFiles: 1 } }))).toBe(`manifest directory "${dir}" holds more than 1 manifest files`);
  });

  it('stops with CancelledError when its signal aborts', async () => {
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `s${i}.yaml`), SECRET.replace('name: s', `name: s${i}`));
    const controller = new AbortController();
    const reading = readManifests(dir, { signal: controller.signal });
    controller.abort();
    await expect(reading).rejects.toBeInstanceOf(CancelledError);
  });
});
