import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The control-plane programs the harness runs, and the Go module whose go.mod (next to this file) pins each. */
const MODULES = { etcd: 'go.etcd.io/etcd/server/v3', 'kube-apiserver': 'k8s.io/kubernetes' } as const;

type Component = keyof typeof MODULES;

/** Paths of the cached binaries, as `build.sh` leaves them. */
export interface Binaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
}

/** The version of a component pinned in `test/harness/<component>/go.mod`, e.g. `v1.37.2`. */
function pinnedVersion(component: Component): string {
  const goMod = path.join(__dirname, component, 'go.mod');
  const module = MODULES[component].replace(/\./g, '\\.');
  const match = new RegExp(`^\\s*(?:require\\s+)?${module} (v\\S+)(?: // indirect)?$`, 'm').exec(fs.readFileSync(goMod, 'utf8'));
  if (!match) throw new Error(`${goMod}: no requirement on ${MODULES[component]}`);
  return match[1];
}

/** `${XDG_CACHE_HOME:-~/.cache}/virtwork/<component>-<version>/<component>`: where `build.sh` puts a binary. */
function cachedBinary(component: Component): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'virtwork', `${component}-${pinnedVersion(component)}`, component);
}

/**
 * The cached binaries, or why they cannot be used: a sentence naming each missing binary and the command that
 * provides it.
 */
export function findBinaries(): Binaries | { readonly missing: string } {
  const components: Component[] = ['etcd', 'kube-apiserver'];
  const absent = components.filter((c) => !isExecutable(cachedBinary(c)));
  if (absent.length === 0) return { etcd: cachedBinary('etcd'), kubeApiserver: cachedBinary('kube-apiserver') };
  const what = absent.map((c) => `${c} ${pinnedVersion(c)}`).join(' and ');
  const cause = hasGo() ? 'not built yet' : 'not cached and `go` not found';
  return { missing: `${what} ${cause}; run \`bash test/harness/build.sh\`` };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
