import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The fields of virtwork's own package.json that the CLI uses. */
export interface PackageInfo {
  /** Directory holding package.json (the package root). */
  readonly root: string;
  /** Package name. */
  readonly name: string;
  /** Package version. */
  readonly version: string;
  /** devDependencies as declared. */
  readonly devDependencies: Readonly<Record<string, string>>;
  /** peerDependencies as declared. */
  readonly peerDependencies: Readonly<Record<string, string>>;
}

let cached: PackageInfo | undefined;

/** virtwork's package.json, found by walking up from this file (works from `lib/` and from `build/lib/`). */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname, i = 0; i < 6; i++, dir = resolve(dir, '..')) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    if (pkg.name !== 'virtwork') continue;
    cached = { root: dir, name: pkg.name, version: pkg.version ?? '0.0.0', devDependencies: pkg.devDependencies ?? {}, peerDependencies: pkg.peerDependencies ?? {} };
    return cached;
  }
  throw new Error(`virtwork's package.json not found above ${__dirname}`);
}
