// Launcher of the cdk8s app (cdk8s.yaml `app`, run by `npx cdk8s synth`). apps/main.ts stays the app to edit; this
// file only chooses how to run it, quickly:
// - the compiled build (build/apps/main.js, made by `npm run build`, which `npm ci` / `npm install` run) when every
//   TypeScript source it could load (apps/, lib/, imports/) has a compiled file at least as new as itself: plain
//   JavaScript starts in a third of the time (no loader hooks, no transform);
// - otherwise (an edited source, no build yet) apps/main.ts itself through tsx's in-process require hook.
// Either way the app is the same code and writes the same bytes (test/foundation/dist.test.ts runs both).
// VIRTWORK_APP=tsx or VIRTWORK_APP=build forces one (the latter fails when the build is missing or stale).
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const SOURCES = ['apps', 'lib', 'imports'];

/** The first source under `root` whose compiled file (in `root`/build) is missing or older, or undefined if none. */
function staleSource(root) {
  const pending = SOURCES.map((d) => join(root, d));
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
          return path;
        }
        if (built < statSync(path).mtimeMs) return path;
      }
    }
  }
  return undefined;
}

function launch() {
  const root = join(__dirname, '..');
  const mode = process.env.VIRTWORK_APP;
  const stale = mode === 'tsx' ? 'VIRTWORK_APP=tsx' : staleSource(root);
  if (stale === undefined) {
    require(join(root, 'build', 'apps', 'main.js'));
  } else if (mode === 'build') {
    process.stderr.write(`virtwork: VIRTWORK_APP=build, but the build is stale (${relative(root, stale)}): run \`npm run build\`\n`);
    process.exitCode = 1;
  } else {
    require('tsx/cjs/api').require('./main.ts', __filename);
  }
}

if (require.main === module) launch();
module.exports = { staleSource };
