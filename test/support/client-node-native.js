// Jest cannot load the ESM-only @kubernetes/client-node through its own module registry, and every
// require()/createRequire jest hands out (even via process.getBuiltinModule) goes through that registry.
// Node >= 20.19 can require() ESM natively, so resolve the package entry ourselves and give it to Node's
// own loader (Module._load with an absolute path). See docs/contributing.md.
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');

const pkgDir = path.join(__dirname, '..', '..', 'node_modules', '@kubernetes', 'client-node');
const { main } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
module.exports = Module._load(path.join(pkgDir, main), null, false);
