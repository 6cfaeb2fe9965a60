import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeIntegration } from '../harness';
import { adminKubeconfig, freshNamespace, listNames, namespaceExists, synthCpu, synthCpuWithChangedVm, undeclaredField } from './_fixtures';
import { scratchDir } from './_run';

/** The floor `npm run bench` measures virtwork-apply against: it must apply, and with --validate-first refuse before writing. */
describeIntegration('the raw client of the apply benchmark (scripts/bench-raw-apply.mjs) against the real API server', () => {
  let dir: string;
  const raw = (src: string, ...flags: string[]) => spawnSync(process.execPath, [path.join(__dirname, '../../scripts/bench-raw-apply.mjs'), adminKubeconfig(), src, ...flags], { encoding: 'utf8' });
  beforeAll(() => {
    dir = scratchDir('raw');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** 2 cpu VMs, the second with a field the VirtualMachine schema does not declare (server-side apply refuses it). */
  function withUndeclaredField(name: string, namespace: string): string {
    const out = synthCpuWithChangedVm(dir, name, namespace, undeclaredField);
    fs.rmSync(path.join(out, 'kustomization.yaml'));
    return out;
  }

  it.each([[[]], [['--validate-first']]])('applies every object of a new namespace (flags %j)', async (flags) => {
    const namespace = freshNamespace('raw');
    const src = synthCpu(dir, `ok-${namespace}`, namespace, 2);
    fs.rmSync(path.join(src, 'kustomization.yaml'));
    const run = raw(src, ...flags);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('5 objects applied\n');
    expect(await listNames('kubevirt.io/v1', 'VirtualMachine', namespace)).toEqual(['virtwork-cpu-0', 'virtwork-cpu-1']);
    expect(await listNames('v1', 'Secret', namespace)).toEqual(['virtwork-cpu-0-cloudinit', 'virtwork-cpu-1-cloudinit']);
    // nothing was left in the stand-in namespace by the dry runs
    expect(await listNames('v1', 'Secret', 'default', `virtwork/run-id=default`)).toEqual([]);
  });

  it('with --validate-first, refuses an object before any write; without it, the Namespace is written first', async () => {
    const validated = freshNamespace('rawval');
    const refused = raw(withUndeclaredField(`bad-${validated}`, validated), '--validate-first');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('POST VirtualMachine virtwork-cpu-1: HTTP 400');
    expect(await namespaceExists(validated)).toBe(false);
    const unvalidated = freshNamespace('rawnoval');
    const written = raw(withUndeclaredField(`bad-${unvalidated}`, unvalidated));
    expect(written.status).not.toBe(0);
    expect(written.stderr).toContain('PATCH VirtualMachine virtwork-cpu-1: HTTP 500');
    expect(await namespaceExists(unvalidated)).toBe(true);
  });
});
