import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

// @kubernetes/client-node is hundreds of ES modules (its dist holds ~970), which Node resolves, reads and compiles
// one by one on every start of virtwork-apply (~0.35 s of a ~0.5 s start on the bench machine). `npm run build` links
// the part of it that the compiled modules use into one CommonJS file (scripts/prelink-client-node.mjs:
// build/vendor/client-node.cjs, and client-node.json naming the package version and the exports it holds), which
// loads in ~0.07 s.

/** What scripts/prelink-client-node.mjs writes beside the linked file. */
interface PrelinkManifest {
  readonly package: string;
  readonly version: string;
  readonly exports: readonly string[];
}

/** Why the linked file was not used, or `used`. */
export type PrelinkOutcome = 'used' | 'disabled' | 'not built' | 'unreadable' | 'package not installed' | 'other version installed';

/**
 * Makes `require('@kubernetes/client-node')` of this process answer the linked file of `vendorDir`, when it was
 * linked from the very version that is installed (so the same code runs); otherwise leaves the package to load as
 * usual. Only the compiled bin calls it, before any module that imports the package: from the sources (tsx, jest)
 * there is nothing linked. `VIRTWORK_PRELINK=0` turns it off.
 */
export function usePrelinkedClientNode(vendorDir: string = path.join(__dirname, '..', '..', 'vendor'), env: NodeJS.ProcessEnv = process.env): PrelinkOutcome {
  if (env.VIRTWORK_PRELINK === '0') return 'disabled';
  let manifest: PrelinkManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(vendorDir, 'client-node.json'), 'utf8')) as PrelinkManifest;
  } catch {
    return 'not built';
  }
  let entry: string;
  try {
    // resolved from here, as every module of lib/cluster resolves it
    entry = require.resolve(manifest.package);
  } catch {
    return 'package not installed';
  }
  const installed = installedVersion(entry, manifest.package);
  if (installed !== manifest.version) return 'other version installed';
  const linked = new Module(entry);
  linked.filename = entry;
  linked.paths = [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    linked.exports = require(path.join(vendorDir, 'client-node.cjs')) as unknown;
  } catch {
    return 'unreadable'; // missing or damaged: the package loads as usual
  }
  linked.loaded = true;
  // require() looks in its cache, by resolved file name, before it loads anything
  require.cache[entry] = linked;
  return 'used';
}

/**
 * The version in the package.json of the package `name` whose entry point is `entry`; undefined when not found.
 * scripts/prelink-client-node.mjs records the version it links with this same function (from the compiled build/).
 */
export function installedVersion(entry: string, name: string): string | undefined {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
  }
  return undefined;
}
