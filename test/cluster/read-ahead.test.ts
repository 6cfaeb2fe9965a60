import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../../lib/cluster/_cancelled';
import { readManifests } from '../../lib/cluster/manifests';
import { guessApplyPath, lastReadAheadShare, readManifestsAhead, startReadAhead, takeReadAhead } from '../../lib/cluster/read-ahead';
import { synthCpu, synthCpuEdited } from './_fixtures';
import { runApplyCli, scratchDir } from './_run';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the read-ahead of apply: the manifests parsed in a worker thread while the cluster modules load', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchDir('read-ahead');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('guesses the path apply reads from the raw arguments', () => {
    const exists = (p: string) => ['out', 'dist2'].includes(p);
    expect(guessApplyPath(['apply'], exists)).toBe('dist');
    expect(guessApplyPath(['--kubeconfig', 'k', 'apply', 'out', '--wait'], exists)).toBe('out');
    expect(guessApplyPath(['apply', '-f', 'x/y'], exists)).toBe('x/y');
    expect(guessApplyPath(['apply', '--filename=x/y'], exists)).toBe('x/y');
    expect(guessApplyPath(['apply', '-fx/y'], exists)).toBe('x/y');
    // an option's value that names no file is passed over; one that does is a wrong guess, found out later
    expect(guessApplyPath(['apply', '--run-id', 'r1', 'out'], exists)).toBe('out');
    expect(guessApplyPath(['status'], exists)).toBeUndefined();
    expect(guessApplyPath(['apply', '--help'], exists)).toBeUndefined();
  });

  it('answers what readManifests answers, walk notices included, when apply reads the guessed path', async () => {
    // GIVEN 20 VMs and a symbolic link to a directory (a walk notice)
    const out = synthCpu(dir, 'same', 'ahead', 20);
    fs.symlinkSync('.', path.join(out, 'loop'));
    const direct: string[] = [];
    const expected = await readManifests(out, { onSkip: (file, why) => direct.push(`${file}: ${why}`) });
    // WHEN it is read ahead and then taken
    startReadAhead(['apply', out]);
    const replayed: string[] = [];
    const taken = await takeReadAhead(out, { onSkip: (file, why) => replayed.push(`${file}: ${why}`) });
    // THEN the worker's answer is used and equals the direct read
    expect(taken).toBeDefined();
    expect(taken).toEqual(expected);
    expect(taken!.length).toBe(41);
    expect(replayed).toEqual(direct);
    expect(replayed).toHaveLength(1);
    // AND it is taken once
    await expect(takeReadAhead(out)).resolves.toBeUndefined();
  });

  it('shares the parse of a large file with the main thread, which parses its last parts, and answers what readManifests answers', async () => {
    // GIVEN 300 VMs: a cpu.yaml of about 3 MB, some 45 parts
    const out = synthCpu(dir, 'shared', 'ahead-s', 300);
    const expected = await readManifests(out);
    // WHEN taken at once, while the worker has only begun
    startReadAhead(['apply', out]);
    const taken = await takeReadAhead(out);
    // THEN the same objects, numbered as one file, and both threads parsed parts (the worker needs ~20 ms a part:
    // the main thread comes in long before it is through, and after it has claimed the first one)
    expect(taken).toEqual(expected);
    const share = lastReadAheadShare()!;
    expect(share.parts).toBeGreaterThan(30);
    expect(share.byMain).toBeGreaterThan(0);
    expect(share.byMain).toBeLessThan(share.parts);
  });

  it('leaves an error in any part of a large file, or an object defined twice across parts, to the ordinary read', async () => {
    // GIVEN 300 VMs whose last document is no object, and 300 whose last VM has the name of the first
    const broken = synthCpu(dir, 'broken', 'ahead-b', 300);
    fs.appendFileSync(path.join(broken, 'cpu.yaml'), '---\n42\n');
    const twice = synthCpuEdited(dir, 'twice', 'ahead-t', 300, (docs) => {
      docs[docs.length - 1].metadata.name = docs[1].metadata.name;
    });
    for (const out of [broken, twice]) {
      const message = await readManifests(out).then(() => '', (err: Error) => err.message);
      expect(message).toMatch(/cpu\.yaml document (601|600): /);
      // WHEN read ahead
      startReadAhead(['apply', out]);
      // THEN nothing is taken from it, and the ordinary read reports the error
      await expect(takeReadAhead(out)).resolves.toBeUndefined();
      startReadAhead(['apply', out]);
      await expect(readManifestsAhead(out)).rejects.toThrow(message);
    }
  });

  it('is not used for another path, nor with other walk limits: the ordinary read runs', async () => {
    const a = synthCpu(dir, 'a', 'ahead-a', 1);
    const b = synthCpu(dir, 'b', 'ahead-b', 2);
    startReadAhead(['apply', a]);
    await expect(takeReadAhead(b)).resolves.toBeUndefined();
    startReadAhead(['apply', a]);
    await expect(takeReadAhead(a, { limits: { maxFiles: 1 } })).resolves.toBeUndefined();
    startReadAhead(['apply', a]);
    expect(await readManifestsAhead(b)).toEqual(await readManifests(b));
  });

  it('leaves a failure to the ordinary read, which reports it as before', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'x.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: [\n');
    const message = await readManifests(bad).then(() => '', (err: Error) => err.message);
    expect(message).toMatch(/x\.yaml document 1: invalid YAML/);
    startReadAhead(['apply', bad]);
    await expect(takeReadAhead(bad)).resolves.toBeUndefined();
    startReadAhead(['apply', bad]);
    await expect(readManifestsAhead(bad)).rejects.toThrow(message);
  });

  it('is cancelled with the command', async () => {
    const out = synthCpu(dir, 'cancel', 'ahead-c', 50);
    startReadAhead(['apply', out]);
    const controller = new AbortController();
    const taking = takeReadAhead(out, { signal: controller.signal });
    controller.abort();
    await expect(taking).rejects.toBeInstanceOf(CancelledError);
  });

  it('the virtwork-apply bin, which reads ahead, prints what the in-process run prints', async () => {
    // GIVEN 3 VMs, checked with the client-side dry run (no cluster)
    const out = synthCpu(dir, 'bin', 'ahead-bin', 3);
    const args = ['--no-audit', '-o', 'json', 'apply', '--dry-run=client', out];
    // WHEN run as its own process (the bin starts the read-ahead) and in-process (no read-ahead)
    const bin = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'virtwork-apply.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOME: dir } });
    const inProcess = await runApplyCli(args);
    // THEN both succeed with the same events
    expect(bin.stderr).toBe('');
    expect(bin.status).toBe(0);
    expect(inProcess.code).toBe(0);
    const events = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).map(({ seconds, ...rest }) => rest);
    expect(events(bin.stdout)).toEqual(events(inProcess.stdout));
    expect(events(bin.stdout).length).toBeGreaterThan(7);
  });
});
