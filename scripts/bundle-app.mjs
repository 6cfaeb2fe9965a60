#!/usr/bin/env node
// A step of `npm run build`, after tsc:
//   node scripts/bundle-app.mjs
// links the compiled cdk8s app (build/apps/main.js, with every module it loads: lib/, imports/, cdk8s, cdk8s-plus-28,
// constructs, yaml, zod) into one CommonJS file, build/apps/_main.bundle.js, and writes the V8 code cache of that file
// beside it (_main.bundle.js.cache, with _main.bundle.js.cache.json naming the exact text and the Node it was made
// for) by running the app once into a scratch directory, so that the functions a synth runs are in the cache.
// apps/launch.cjs runs that file for `npx cdk8s synth` when it is at least as new as the build: Node then resolves,
// reads and compiles one file instead of ~400 modules (the app starts in about half the time). The linked file sits
// in build/apps, two levels below the project like every compiled module, so that the modules that find the
// project from their own directory (the shipped catalog, package.json) find it from there too.
// Nothing of this is published (build/apps is not in the package's files); it is rebuilt by every `npm run build`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { BUNDLE, cachePaths } = require('../apps/launch.cjs');
const OUT = join(ROOT, BUNDLE);
const cache = cachePaths(OUT);
for (const f of [OUT, cache.data, cache.key]) rmSync(f, { force: true });
await build({
  entryPoints: [join(ROOT, 'build', 'apps', 'main.js')], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  outfile: OUT, keepNames: true, legalComments: 'eof', logLevel: 'warning',
});
// the code cache: one synth of the default app, in a scratch directory (no virtwork.yaml, no VIRTWORK_* variable)
const scratch = mkdtempSync(join(tmpdir(), 'virtwork-bundle-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIRTWORK_') && k !== 'KUBECONFIG'));
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(ROOT, 'apps', 'launch.cjs'))}).runBundle(${JSON.stringify(OUT)}, { writeCache: true })`], {
    cwd: scratch, env: { ...env, CDK8S_OUTDIR: join(scratch, 'dist') }, encoding: 'utf8',
  });
  if (run.status !== 0) {
    // An app edited to need its own configuration may fail here and not in the project; a linking problem would fail
    // `npx cdk8s synth`. Either way the compiled build is right: the linked file goes, and the build goes on.
    for (const f of [OUT, cache.data, cache.key]) rmSync(f, { force: true });
    process.stderr.write(`bundle-app: warning: the linked app failed its run in a scratch directory (exit ${run.status}), so it was removed and ` +
      `\`npx cdk8s synth\` runs the compiled build (build/apps/main.js):\n${run.stderr}`);
    process.exit(0);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`bundle-app: the cdk8s app linked into ${relative(process.cwd(), OUT)}, with its code cache\n`);
