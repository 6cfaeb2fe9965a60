import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { hashPassword } from '../../lib/guest/ssh';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOADS } from '../../lib/workloads/_registry';
import { K8sObject, parseManifests, validateObjects } from '../support/validators';
import { byKind } from './_support';

const ROOT = resolve(__dirname, '..', '..');
const ALL = ['cpu', 'memory', 'disk', 'database', 'network', 'tps', 'chaos-disk', 'chaos-network', 'chaos-process'];
const CHAOS = ['chaos-disk', 'chaos-network', 'chaos-process'];
const PASSWORD = 'Plain-Text-S3cret!';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';

/** Every string anywhere in a parsed value (so user-data inside Secrets is searched as well). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('built-in workloads', () => {
  it('include the nine of the reference, each with its params schema', () => {
    expect(Object.keys(BUILTIN_WORKLOADS)).toEqual(expect.arrayContaining(ALL));
    for (const name of ALL) {
      const cls = BUILTIN_WORKLOADS[name];
      expect(cls.workloadName).toBe(name);
      expect(cls.params.keys.length).toBeGreaterThan(0);
    }
  });

  it('leave the chaos workloads out of the default set (they are opt-in)', () => {
    expect(DEFAULT_WORKLOADS).toEqual(['cpu', 'memory']);
    for (const chaos of CHAOS) expect(DEFAULT_WORKLOADS).not.toContain(chaos);
  });
});

describe('virtwork synth with all nine workloads and SSH credentials', () => {
  let out: string;
  let cli: { status: number | null; output: string };
  let files: Record<string, string>;
  let objects: K8sObject[];

  beforeAll(() => {
    // GIVEN every built-in workload, a password and a public key
    out = mkdtempSync(join(tmpdir(), 'virtwork-all-'));
    // WHEN the CLI synthesizes them
    const r = spawnSync(process.execPath, [
      '--import', 'tsx', 'bin/virtwork.ts', 'synth', '--workloads', ALL.join(','),
      '--ssh-password', PASSWORD, '--ssh-key', KEY, '--output', out,
    ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    cli = { status: r.status, output: `${r.stdout}${r.stderr}` };
    files = Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    objects = Object.entries(files).filter(([f]) => f.endsWith('.yaml') && f !== 'kustomization.yaml').flatMap(([, t]) => parseManifests(t));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes one file per workload with the reference object counts', () => {
    expect(cli.status).toBe(0);
    for (const name of ALL) expect(Object.keys(files)).toContain(`${name}.yaml`);
    // the reference's full run: 11 VMs, 11 Secrets, 2 Services, 3 DataVolumes (storage workloads)
    expect(byKind(objects, 'VirtualMachine')).toHaveLength(11);
    expect(byKind(objects, 'Secret')).toHaveLength(11);
    expect(byKind(objects, 'Service').map((s) => s.metadata.name).sort()).toEqual(['virtwork-iperf3-server', 'virtwork-tps-server']);
    expect(byKind(objects, 'VirtualMachine').flatMap((v) => (v.spec.dataVolumeTemplates ?? []).map((d: any) => d.metadata.name)).filter((n: string) => !n.startsWith('virtwork-root')).sort()).toEqual([
      'virtwork-chaos-disk-data-virtwork-chaos-disk-0',
      'virtwork-database-data-virtwork-database-0',
      'virtwork-disk-data-virtwork-disk-0',
    ]);
  });

  it('passes every validator (CRD schemas, cloud-init schema, systemd-analyze verify, shellcheck)', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  it('never contains the plaintext password, in any file or in the command output; every VM gets the hash', () => {
    for (const [name, text] of Object.entries(files)) {
      expect({ name, found: text.includes(PASSWORD) }).toEqual({ name, found: false });
      // parsed too, and every user-data inside every Secret parsed again
      const docs = name.endsWith('.yaml') ? parseManifests(text) : [parse(text)];
      for (const s of strings(docs)) {
        expect(s.includes(PASSWORD)).toBe(false);
        if (s.startsWith('#cloud-config')) expect(strings(parse(s)).some((v) => v.includes(PASSWORD))).toBe(false);
      }
    }
    expect(cli.output).not.toContain(PASSWORD);
    const hash = hashPassword('virtwork', PASSWORD);
    for (const secret of byKind(objects, 'Secret')) {
      const users = parse(secret.stringData.userdata).users;
      expect(users).toEqual([expect.objectContaining({ name: 'virtwork', hashed_passwd: hash, lock_passwd: false, ssh_authorized_keys: [KEY] })]);
    }
  });

  it('contains no private key material', () => {
    for (const text of Object.values(files)) expect(text).not.toMatch(/PRIVATE KEY/);
  });
});
