import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** A server process started in its own process group, its output going to a log file. */
export interface ServerProcess {
  readonly name: string;
  readonly logFile: string;
  /** Resolves with a description of how the process ended, should it end before `stop()`. */
  readonly exited: Promise<string>;
  /** SIGTERM to the process group, SIGKILL 10 s later; resolves once the process is gone. */
  stop(): Promise<void>;
}

const running = new Set<number>();
const directories = new Set<string>();

/**
 * Starts `binary args…` detached in a new process group. It cannot outlive this Node process: the group is killed
 * when Node exits or gets SIGINT/SIGTERM/SIGHUP, and `setpriv --pdeathsig KILL` (util-linux) kills the server
 * should Node itself be killed with SIGKILL.
 */
export function startServer(name: string, binary: string, args: readonly string[], logFile: string): ServerProcess {
  cleanUpOnExit();
  const log = fs.openSync(logFile, 'a');
  const [command, commandArgs] = fs.existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]]
    : [binary, [...args]];
  const child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`${name}: could not start ${binary}`);
  running.add(pgid);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`${name} failed to start: ${err.message}`));
    child.once('exit', (code, signal) => {
      running.delete(pgid);
      resolve(`${name} exited with ${signal ?? `code ${code}`}`);
    });
  });
  const stop = async (): Promise<void> => {
    if (!running.has(pgid)) return;
    killGroup(pgid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  return { name, logFile, exited, stop };
}

/**
 * Removes `dir` when this Node process exits or is interrupted, should nobody have done it before; the returned
 * function forgets it.
 */
export function removeOnExit(dir: string): () => void {
  cleanUpOnExit();
  directories.add(dir);
  return () => directories.delete(dir);
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(logFile: string, lines = 30): string {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const SETPRIV = '/usr/bin/setpriv';
const STOP_GRACE_MS = 10_000;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

let handlersInstalled = false;

function cleanUpOnExit(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.kill(process.pid, signal); // then let the signal do what it would have done
    });
  }
}

function cleanUp(): void {
  running.forEach((pgid) => killGroup(pgid, 'SIGKILL'));
  directories.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
}
