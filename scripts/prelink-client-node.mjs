#!/usr/bin/env node
// The last step of `npm run build`:
//   node scripts/prelink-client-node.mjs [--build <dir>]
// links the part of @kubernetes/client-node that the compiled cluster modules use into one CommonJS file,
// build/vendor/client-node.cjs, with client-node.json saying which version of the package it was made from and which
// exports it holds, and client-node.LICENSES.txt the licenses of the packages it holds. The compiled virtwork-apply
// loads that file instead of the package when the installed package is that version (lib/cluster/_client-node-prelink.ts):
// the package is hundreds of ES modules that Node resolves, reads and compiles one by one on every start (~0.35 s on
// the bench machine), the linked file is one (~0.07 s). Nothing else changes: the same code of the same version runs.
//
// The exports are read off the compiled JavaScript: every module of build/ that requires the package must bind it
// as `const k8s = __importStar(require("@kubernetes/client-node"))` (what tsc emits for `import * as k8s`), so that
// every `k8s.<name>` it uses is found (any other form stops the build, naming the file); of those names, the ones the
// package exports are linked (`k8s.io` in a comment is no export, and would be undefined from the package too).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@kubernetes/client-node';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// --build <dir>: another compiled tree (the packaging test packs its own); the package is resolved from the project
const at = process.argv.indexOf('--build');
const BUILD = at > 0 ? resolve(process.argv[at + 1]) : join(ROOT, 'build');
const OUT = join(BUILD, 'vendor', 'client-node.cjs');
const BINDING = /const (\w+) = __importStar\(require\("@kubernetes\/client-node"\)\);/;

/** Every .js file below `dir`. */
function jsFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join(dir, f));
}

/** The names of `exported` that the compiled modules use, sorted; exits 1 naming a module it cannot read them off. */
function usedExports(exported) {
  const names = new Set();
  for (const file of [...jsFiles(join(BUILD, 'lib')), ...jsFiles(join(BUILD, 'bin'))]) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(`"${PACKAGE}"`)) continue;
    const requires = text.split(`require("${PACKAGE}")`).length - 1;
    const binding = BINDING.exec(text);
    if (requires !== 1 || !binding || binding[1] !== 'k8s') {
      process.stderr.write(`prelink-client-node: ${relative(process.cwd(), file)} requires ${PACKAGE} other than as \`import * as k8s from '${PACKAGE}'\` ` +
        `(one namespace import named k8s): its exports cannot be read off it; import it that way\n`);
      process.exit(1);
    }
    for (const m of text.matchAll(/\bk8s\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  }
  return [...names].filter((n) => exported.has(n)).sort();
}

/** The license of every package whose code the linked file holds (name, version, license and its LICENSE file). */
function licenses(inputs) {
  const dirs = new Set(inputs.map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
  return [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `(no license file; package.json says ${pkg.license})`;
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`;
  }).join(`\n${'-'.repeat(80)}\n\n`);
}

const require = createRequire(join(ROOT, 'package.json'));
let entry;
try {
  entry = require.resolve(PACKAGE);
} catch {
  process.stdout.write(`prelink-client-node: ${PACKAGE} is not installed: nothing linked (virtwork-apply loads the package when it is)\n`);
  process.exit(0);
}
// the version as the runtime looks it up (the compiled lib/cluster/_client-node-prelink.ts: tsc has just run)
const { installedVersion } = require(join(ROOT, 'build', 'lib', 'cluster', '_client-node-prelink.js'));
const version = installedVersion(entry, PACKAGE);
const names = usedExports(new Set(Object.keys(require(entry))));
rmSync(dirname(OUT), { recursive: true, force: true });
if (version === undefined) {
  process.stdout.write(`prelink-client-node: no package.json naming ${PACKAGE} above ${entry}: nothing linked (virtwork-apply loads the package)\n`);
  process.exit(0);
}
if (names.length === 0) process.exit(0);
mkdirSync(dirname(OUT), { recursive: true });
const { metafile } = await build({
  stdin: { contents: `export { ${names.join(', ')} } from ${JSON.stringify(PACKAGE)};\n`, resolveDir: ROOT, loader: 'js', sourcefile: 'client-node-exports.js' },
  // metafile paths relative to the project, whatever the working directory
  absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: OUT, legalComments: 'eof', logLevel: 'warning', metafile: true,
});
writeFileSync(join(dirname(OUT), 'client-node.LICENSES.txt'), licenses(Object.keys(metafile.inputs)));
// the linked file must answer every name: one missing would be undefined only in the compiled bin
const linked = require(OUT);
const missing = names.filter((n) => linked[n] === undefined);
if (missing.length > 0) {
  rmSync(dirname(OUT), { recursive: true, force: true });
  process.stderr.write(`prelink-client-node: ${PACKAGE} ${version} has no export ${missing.join(', ')} (used by build/)\n`);
  process.exit(1);
}
writeFileSync(`${OUT.slice(0, -'.cjs'.length)}.json`, `${JSON.stringify({ package: PACKAGE, version, exports: names }, null, 2)}\n`);
process.stdout.write(`prelink-client-node: ${names.length} exports of ${PACKAGE} ${version} linked into ${relative(process.cwd(), OUT)}\n`);
