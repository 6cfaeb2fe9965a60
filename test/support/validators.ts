import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { parseCloudConfig } from '../../lib/guest/cloud-init';
import { coreValidator } from './core-schemas';
import { crdServedVersions, crdValidator } from './crd-schemas';

/** A Kubernetes object as synthesized (parsed YAML / chart.toJson()). */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; [k: string]: any };

/** Parses multi-document YAML (a dist/ file) into objects. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o !== null);
}

/** Problems of one object against its schema (real CRD schema, or the strict core subset); [] when valid. */
export function schemaProblems(obj: K8sObject): string[] {
  const validate = crdValidator(obj.apiVersion, obj.kind) ?? coreValidator(obj.apiVersion, obj.kind);
  const versions = validate ? undefined : crdServedVersions(obj.apiVersion, obj.kind);
  if (versions) return [`${obj.kind} ${obj.metadata?.name}: ${obj.apiVersion} is not served by the CRD (served: ${versions.join(', ')})`];
  if (!validate) return [`${obj.kind} ${obj.metadata?.name}: no schema known for ${obj.apiVersion} ${obj.kind}`];
  const check: ValidateFunction = validate;
  if (check(obj as unknown)) return [];
  return (check.errors ?? []).map((e) => `${obj.kind} ${obj.metadata?.name}: ${e.instancePath || '/'} ${e.message}` +
    (e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty})` : ''));
}

const cache = new Map<string, string[]>();
function cached(kind: string, text: string, run: () => string[]): string[] {
  const key = kind + createHash('sha256').update(text).digest('hex');
  if (!cache.has(key)) cache.set(key, run());
  return cache.get(key)!;
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'virtwork-validate-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `cloud-init schema` on a user-data document; [] when valid. */
export function cloudInitProblems(userData: string): string[] {
  return cached('cloud-init', userData, () => withTempDir((dir) => {
    const file = join(dir, 'user-data');
    writeFileSync(file, userData);
    const r = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
    if (r.error) throw new Error(`cloud-init is not installed (apt-get install cloud-init): ${r.error.message}`);
    return r.status === 0 ? [] : [`cloud-init schema: ${(r.stdout + r.stderr).trim()}`];
  }));
}

/** Guest binaries that do not exist on the test machine: the only complaint systemd-analyze may make. */
const MISSING_BINARY = /^(.+?): Command (\S+) is not executable: No such file or directory$/;

/** `systemd-analyze verify` of unit files (name → content), together; [] when valid. */
export function systemdProblems(units: Readonly<Record<string, string>>): string[] {
  const text = JSON.stringify(units);
  return cached('systemd', text, () => withTempDir((dir) => {
    const paths = Object.entries(units).map(([name, content]) => {
      const p = join(dir, basename(name));
      writeFileSync(p, content);
      return p;
    });
    const r = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    if (r.error) throw new Error(`systemd-analyze is not installed (apt-get install systemd): ${r.error.message}`);
    return (r.stdout + r.stderr)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !MISSING_BINARY.test(l));
  }));
}

/** `shellcheck` of a shell script (bash unless its shebang says otherwise); [] when clean. */
export function shellcheckProblems(script: string, name = 'script'): string[] {
  return cached('shellcheck', script, () => {
    const shell = /^#!.*\bsh\b/.test(script) && !/bash/.test(script.split('\n')[0]) ? 'sh' : 'bash';
    const r = spawnSync('shellcheck', ['-s', shell, '-f', 'gcc', '-'], { input: script, encoding: 'utf8' });
    if (r.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck): ${r.error.message}`);
    return r.status === 0 ? [] : r.stdout.trim().split('\n').map((l) => `${name}: ${l.replace(/^-:/, 'line ')}`);
  });
}

/** Python 3 syntax errors of a script (the guest's python3 compiles it the same way); [] when clean. */
export function pythonProblems(script: string, name = 'script'): string[] {
  return cached('python3', script, () => {
    const r = spawnSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "script", "exec")'], { input: script, encoding: 'utf8' });
    if (r.error) throw new Error(`python3 is not installed: ${r.error.message}`);
    return r.status === 0 ? [] : [`${name}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`];
  });
}

/** Splits an `Exec*=` value the way systemd does (quotes, C escapes, `%%`, `$$`) into argv. */
export function splitExecLine(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  const prefix = /^[-@:+!]*/.exec(line)![0];
  line = line.slice(prefix.length);
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : undefined;
    while (i < line.length && (quote ? line[i] !== quote : line[i] !== ' ')) {
      if (line[i] === '\\' && i + 1 < line.length) {
        const c = line[++i];
        word += c === 'n' ? '\n' : c === 't' ? '\t' : c;
      } else if ((line[i] === '%' || line[i] === '$') && line[i + 1] === line[i]) {
        word += line[i++];
      } else word += line[i];
      i++;
    }
    if (quote) i++;
    argv.push(word);
  }
  return argv;
}

/** Every `ExecStart=`-style line of a unit, as argv. */
export function execLines(unit: string): string[][] {
  return unit
    .split('\n')
    .filter((l) => /^Exec(Start|StartPre|StartPost|Stop|StopPost|Reload)=/.test(l))
    .map((l) => splitExecLine(l.slice(l.indexOf('=') + 1)));
}

/**
 * Runs every validator on a set of objects: schema of every object; for every cloud-init Secret the
 * user-data through `cloud-init schema`, its units (and any other unit files) through
 * `systemd-analyze verify`, its scripts and `bash -c` command lines through `shellcheck`.
 */
export function validateObjects(objects: readonly K8sObject[]): string[] {
  const problems = objects.flatMap(schemaProblems);
  for (const obj of objects) {
    const userData: string | undefined = obj.kind === 'Secret' ? obj.stringData?.userdata : undefined;
    if (userData === undefined) continue;
    problems.push(...userDataProblems(userData, obj.metadata.name));
  }
  return problems;
}

/** cloud-init, systemd and shellcheck problems of one user-data document. */
export function userDataProblems(userData: string, where = 'user-data'): string[] {
  const problems = cloudInitProblems(userData).map((p) => `${where}: ${p}`);
  const config = parseCloudConfig(userData) as { write_files?: { path: string; content: string }[] };
  const units: Record<string, string> = {};
  for (const file of config.write_files ?? []) {
    if (/\.(service|timer|socket|path|target|mount)$/.test(file.path)) {
      units[file.path] = file.content;
      for (const argv of execLines(file.content)) {
        const c = argv.indexOf('-c');
        if (/(^|\/)(ba)?sh$/.test(argv[0]) && c === 1) problems.push(...shellcheckProblems(argv[2], `${where}: ${file.path} ${argv[0]} -c`));
      }
    } else if (/^#!\S*python3\b/.test(file.content)) {
      problems.push(...pythonProblems(file.content, `${where}: ${file.path}`));
    } else if (file.content.startsWith('#!')) {
      problems.push(...shellcheckProblems(file.content, `${where}: ${file.path}`));
    }
  }
  if (Object.keys(units).length > 0) problems.push(...systemdProblems(units).map((p) => `${where}: ${p}`));
  return problems;
}

/** Whether a command is on PATH (for tests that must say what is missing). */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
