import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageInfo } from '../core/_package';

/**
 * The optional peer dependencies the cluster CLI needs: a consumer that only synthesizes installs neither (they are
 * most of an install's size), `virtwork-apply` checks for them before loading any module that imports them.
 */
export const CLUSTER_PEERS: readonly string[] = ['@kubernetes/client-node', 'sql.js'];

/** The packages of `names` that Node's resolution from `fromDir` does not find installed. */
export function missingPackages(names: readonly string[], fromDir: string = __dirname): string[] {
  // look for <node_modules>/<name>/package.json along the lookup paths: require.resolve cannot tell an ESM-only
  // package (client-node exports no require condition) from a missing one
  const paths = (name: string) => require.resolve.paths(name) ?? [];
  return names.filter((name) => !paths(name).concat(join(fromDir, 'node_modules')).some((dir) => existsSync(join(dir, name, 'package.json'))));
}

/** One line telling what to install, with the ranges of virtwork's package.json; undefined when nothing is missing. */
export function missingPeersMessage(program: string, missing: readonly string[], ranges: Readonly<Record<string, string>> = packageInfo().peerDependencies): string | undefined {
  if (missing.length === 0) return undefined;
  const install = missing.map((m) => (ranges[m] ? `${m}@${ranges[m]}` : m)).join(' ');
  return `${program}: needs ${missing.join(' and ')} (optional peer dependencies of virtwork, not installed with it): ` +
    `npm install ${install}`;
}
