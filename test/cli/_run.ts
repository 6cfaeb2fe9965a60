import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runVirtwork } from '../../lib/cli/virtwork';

/** What one in-process run of `virtwork` did. */
export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `virtwork <args>` in-process in `cwd` with exactly `env` (nothing inherited from the test process). */
export async function virtwork(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  let out = '';
  let err = '';
  const code = await runVirtwork(args, { cwd, env, out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** A fresh scratch directory, removed by the returned cleanup. */
export function scratch(prefix = 'virtwork-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
}

/** Every file of a directory tree (relative path → content), sorted; {} when it does not exist. */
export function readTree(dir: string): Record<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const name of names.sort()) {
    try {
      out[name] = readFileSync(join(dir, name), 'utf8');
    } catch {
      // a directory
    }
  }
  return out;
}

/** A real-looking ed25519 public key line (the base64 is arbitrary). */
export const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlzcnR1aXZ3eHl6MDEyMzQ1Njc4OWFiY2RlZmdoaWpr alice@example.org';
/** A second one. */
export const PUBLIC_KEY_2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDfakekeyfakekeyfakekeyfakekeyfake bob@example.org';
/** The opening of a private key file. */
export const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';
