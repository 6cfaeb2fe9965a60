// Launcher of the cdk8s app (cdk8s.yaml `app`, run by `npx cdk8s synth`). apps/main.ts stays the app to edit; this
// file only chooses how to run it, quickly:
// - the linked app (build/apps/_main.bundle.js, made by scripts/bundle-app.mjs at the end of `npm run build`, which
//   `npm ci` / `npm install` run) when the build is fresh (below) and the linked file is at least as new as every
//   compiled file: one file instead of ~400 modules to resolve and read, compiled from the V8 code cache written
//   beside it by the same build (used only when it was made from exactly that file, by this Node version);
// - the compiled build (build/apps/main.js) when every TypeScript source it could load (apps/, lib/, imports/) has
//   a compiled file at least as new as itself: plain JavaScript starts in a third of the time (no loader hooks, no
//   transform);
// - otherwise (an edited source, no build yet) apps/main.ts itself through tsx's in-process require hook.
// Either way the app is the same code and writes the same bytes (test/foundation/dist.test.ts runs all three).
// VIRTWORK_APP=tsx, VIRTWORK_APP=build or VIRTWORK_APP=bundle forces one (the last two fail when the build is
// missing or stale).
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, readdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, relative } = require('node:path');
const vm = require('node:vm');

const SOURCES = ['apps', 'lib', 'imports'];
const BUNDLE = join('build', 'apps', '_main.bundle.js');

/**
 * The first source under `root` whose compiled file (in `root`/build) is missing or older (`stale`, undefined if
 * none), and the modification time of the newest compiled file (`newest`, ms).
 */
function buildState(root) {
  const pending = SOURCES.map((d) => join(root, d));
  let newest = 0;
  while (pending.length) {
    const dir = pending.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = join(root, 'build', relative(root, path)).replace(/\.ts$/, '.js');
        let built;
        try {
          built = statSync(out).mtimeMs;
        } catch {
          return { stale: path, newest };
        }
        if (built < statSync(path).mtimeMs) return { stale: path, newest };
        newest = Math.max(newest, built);
      }
    }
  }
  return { stale: undefined, newest };
}

/** The first source under `root` whose compiled file (in `root`/build) is missing or older, or undefined if none. */
function staleSource(root) {
  return buildState(root).stale;
}

/** Whether the linked app exists and is at least as new as every compiled file (newest: their latest mtime, ms). */
function bundleFresh(root, newest) {
  try {
    return statSync(join(root, BUNDLE)).mtimeMs >= newest;
  } catch {
    return false;
  }
}

/** The code cache of `file` and what it was made from (`<file>.cache`, `<file>.cache.json`). */
function cachePaths(file) {
  return { data: `${file}.cache`, key: `${file}.cache.json` };
}

/** What a code cache must have been made from: the exact text (sha256) and the V8 that reads it. */
function cacheKey(source) {
  return { sha256: createHash('sha256').update(source).digest('hex'), node: process.version, v8: process.versions.v8 };
}

/**
 * Runs the linked app `file` as a CommonJS main module, compiled from its code cache when that was made from this
 * very text by this V8 (anything else, or no cache, compiles it as usual). With `writeCache`, the cache is (re)written
 * when the process exits, when the functions that ran are compiled too. Answers what became of the cache: `used`,
 * `none`, `made from another text or Node` (not even handed to V8) or `rejected by V8`.
 */
function runBundle(file, { writeCache = false } = {}) {
  const source = readFileSync(file, 'utf8');
  const paths = cachePaths(file);
  const key = cacheKey(source);
  let cachedData;
  let cache = 'none';
  try {
    const made = JSON.parse(readFileSync(paths.key, 'utf8'));
    if (made.sha256 === key.sha256 && made.node === key.node && made.v8 === key.v8) cachedData = readFileSync(paths.data);
    else cache = 'made from another text or Node';
  } catch {
    // no cache, or an unreadable one: compiled as usual
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected by V8' : 'used';
  const mod = new Module(file, null);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  if (writeCache) {
    process.once('exit', () => {
      writeFileSync(`${paths.data}.tmp`, script.createCachedData());
      renameSync(`${paths.data}.tmp`, paths.data);
      writeFileSync(paths.key, `${JSON.stringify(key)}\n`);
    });
  }
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dirname(file));
  return cache;
}

/**
 * How the app runs from `root` with `VIRTWORK_APP` = `mode`: `bundle` (the linked app), `build` (the compiled app),
 * `tsx` (apps/main.ts; `stale` says why: the first source newer than its compiled file, or the variable) or `refused`
 * (the variable asks for a build that is stale or a linked file that is missing; `why` says which).
 */
function chooseApp(root, mode) {
  const { stale, newest } = mode === 'tsx' ? { stale: 'VIRTWORK_APP=tsx', newest: 0 } : buildState(root);
  if (stale === undefined && mode !== 'build' && bundleFresh(root, newest)) return { run: 'bundle' };
  if (stale === undefined && mode !== 'bundle') return { run: 'build' };
  if (mode === 'build' || mode === 'bundle') {
    const why = stale !== undefined ? `the build is stale (${relative(root, stale)}): run \`npm run build\`` : `${BUNDLE} is missing or older than the build: run \`npm run build\``;
    return { run: 'refused', why: `VIRTWORK_APP=${mode}, but ${why}` };
  }
  return { run: 'tsx', stale };
}

function launch() {
  const root = join(__dirname, '..');
  const choice = chooseApp(root, process.env.VIRTWORK_APP);
  if (choice.run === 'bundle') {
    runBundle(join(root, BUNDLE));
  } else if (choice.run === 'build') {
    require(join(root, 'build', 'apps', 'main.js'));
  } else if (choice.run === 'refused') {
    process.stderr.write(`virtwork: ${choice.why}\n`);
    process.exitCode = 1;
  } else {
    require('tsx/cjs/api').require('./main.ts', __filename);
  }
}

if (require.main === module) launch();
module.exports = { staleSource, buildState, bundleFresh, chooseApp, runBundle, cachePaths, BUNDLE };
