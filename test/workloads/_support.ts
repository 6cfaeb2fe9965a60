import { spawnSync } from 'node:child_process';
import { Chart, Testing } from 'cdk8s';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { LABEL_KUBEVIRT_VM_NAME } from '../../lib/vm/service';
import { GUEST_FAMILIES } from '../../lib/guest/guest-family';
import { GUEST_AGENT_PACKAGE, guestAgentRuncmd } from '../../lib/vm/readiness';
import { RESPONDER_CONFIG, RESPONDER_UNIT, guestHealth } from '../../lib/guest/health-responder';
import { K8sObject, execLines, hasCommand } from '../support/validators';

/** A parsed `#cloud-config` as the workloads emit it. */
export interface UserData {
  packages?: string[];
  apt?: Record<string, unknown>;
  write_files: { path: string; content: string; permissions: string }[];
  runcmd: string[][];
  users?: Record<string, unknown>[];
  ssh_pwauth?: boolean;
}

/** Synthesizes whatever `build` adds to a fresh test chart. */
export function synth(build: (chart: Chart) => void): K8sObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as K8sObject[];
}

/** `Kind/name` of every object, in output order. */
export const names = (objs: readonly K8sObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
/** Objects of one kind. */
export const byKind = (objs: readonly K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
/** One object by kind and name (fails the test when missing). */
export function find(objs: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${names(objs).join(', ')}`);
  return found;
}

/** The parsed user-data of a VM (from its `<vm>-cloudinit` Secret). */
export function userData(objs: readonly K8sObject[], vm: string): UserData {
  return parseCloudConfig(find(objs, 'Secret', `${vm}-cloudinit`).stringData.userdata) as unknown as UserData;
}

/** The content of a file written by cloud-init (fails the test when missing). */
export function fileOf(doc: UserData, path: string): string {
  const file = doc.write_files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in write_files: ${doc.write_files.map((f) => f.path).join(', ')}`);
  return file.content;
}

/** A unit file by name, from `/etc/systemd/system/`. */
export const unitOf = (doc: UserData, name: string) => fileOf(doc, `/etc/systemd/system/${name}`);

/** Values of `key=` lines of a unit (in order), e.g. `entries(unit, 'After')`. */
export function entries(unit: string, key: string): string[] {
  return unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

/** The single value of `key=` in a unit (fails when absent or repeated). */
export function entry(unit: string, key: string): string {
  const values = entries(unit, key);
  if (values.length !== 1) throw new Error(`expected one ${key}= in unit, got ${values.length}:\n${unit}`);
  return values[0];
}

/** ExecStart of a unit as argv (systemd's own splitting). */
export const execStart = (unit: string) => execLines(unit).find((_, i) => i === 0)!;

/** The `bash -c` program of a unit's ExecStart. */
export function bashProgram(unit: string): string {
  const argv = execStart(unit);
  expect(argv.slice(0, 2)).toEqual(['/bin/bash', '-c']);
  return argv[2];
}

/** Paths of the files written by cloud-init, in order. */
export const paths = (doc: UserData) => doc.write_files.map((f) => f.path);

/**
 * The workload's own part of a user-data: what the Workload base adds to every VM (the guest agent package and
 * start commands, the heartbeat helper and the health responder with its unit) left out, so that tests pin the
 * workload's packages, files and commands.
 */
export function own(doc: UserData): { packages: string[]; paths: string[]; permissions: string[]; runcmd: string[][] } {
  const health = guestHealth('test', [{ kind: 'listen', name: 'x', port: 1 }], true);
  const agentCmds = [...GUEST_FAMILIES.flatMap((f) => guestAgentRuncmd(f)), ...health.runcmd, ['systemctl', 'enable', '--now', RESPONDER_UNIT]]
    .map((c) => JSON.stringify(c));
  const baseFiles = [...health.files.map((f) => f.path), `/etc/systemd/system/${RESPONDER_UNIT}`];
  const files = doc.write_files.filter((f) => !baseFiles.includes(f.path));
  return {
    packages: (doc.packages ?? []).filter((p) => p !== GUEST_AGENT_PACKAGE),
    paths: files.map((f) => f.path),
    permissions: files.map((f) => f.permissions),
    runcmd: doc.runcmd.filter((c) => !agentCmds.includes(JSON.stringify(c))),
  };
}

/** The health responder's checks of a VM (its `/etc/virtwork/readiness.json`), without the derived file paths. */
export function readinessChecks(doc: { write_files: { path: string; content: string }[] }): Record<string, unknown>[] {
  const file = doc.write_files.find((f) => f.path === RESPONDER_CONFIG);
  if (!file) throw new Error(`no ${RESPONDER_CONFIG} in write_files (is the readiness probe off?)`);
  const checks = JSON.parse(file.content).checks as Record<string, unknown>[];
  return checks.map(({ file: _file, ...c }) => (c.kind === 'done' ? { ...c, file: _file } : c));
}

/** Shell values that must never break out of a script or unit. */
export const HOSTILE = ['$(reboot)', "'; rm -rf /", 'a\nExecStartPre=/bin/sh -c reboot', '%h', '`id`', 'x y', '"q"', '../..'];

/** What a privileged functional test needs (root, loop devices, namespaces); a reason when it cannot run. */
export function sandboxMissing(...commands: string[]): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const cmd of ['unshare', ...commands]) if (!hasCommand(cmd)) return `${cmd} is not installed`;
  const r = spawnSync('unshare', ['-m', 'true']);
  return r.status === 0 ? undefined : 'cannot create a mount namespace';
}

/**
 * `describe` for suites that run a workload's scripts as root in private namespaces ({@link runSandboxed}): when
 * `missing` (from {@link sandboxMissing}) says what this machine lacks, the suite is skipped with that reason in
 * its name; CI runs as root with every command installed, so it runs them.
 */
export function describeSandboxed(missing: string | undefined): (name: string, fn: () => void) => void {
  // skipped on purpose only where the sandbox cannot run: the reason (what is missing) is in the suite's name
  return (name, fn) => (missing ? describe.skip(`${name} (skipped: ${missing})`, fn) : describe(name, fn));
}

/** Runs a bash program as root in private mount (and optionally net/pid) namespaces; returns status and output. */
export function runSandboxed(program: string, o: { net?: boolean; pid?: boolean; timeoutMs?: number; env?: Record<string, string> } = {}) {
  const flags = ['-m', '--propagation', 'private', ...(o.net ? ['-n'] : []), ...(o.pid ? ['-f', '-p', '--mount-proc', '--kill-child'] : [])];
  const r = spawnSync('unshare', [...flags, 'bash', '--norc', '--noprofile', '-c', program], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeoutMs ?? 30000,
    killSignal: 'SIGKILL', // with --kill-child the namespace's processes die with unshare
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...o.env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The VMs whose virt-launcher pods a Service selects (pod labels = VMI template labels + KubeVirt's VM name label). */
export function selectedVms(objs: readonly K8sObject[], service: K8sObject): string[] {
  return byKind(objs, 'VirtualMachine')
    .filter((vm) => {
      const podLabels = { ...vm.spec.template.metadata.labels, [LABEL_KUBEVIRT_VM_NAME]: vm.metadata.name };
      return Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => podLabels[k] === v);
    })
    .map((vm) => vm.metadata.name);
}
