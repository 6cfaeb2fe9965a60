// Regenerates docs/configuration.md from the setting tables of lib/config/schema.ts.
// Run: npm run docs:config (node --import tsx scripts/docs-config.mjs); `--check` exits 1 when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import docs from '../lib/config/docs.ts';

const target = new URL('../docs/configuration.md', import.meta.url);
const fresh = docs.renderConfigurationDoc();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== fresh) {
    process.stderr.write('docs/configuration.md is stale: run `npm run docs:config` and commit it\n');
    process.exit(1);
  }
} else {
  writeFileSync(target, fresh);
  process.stdout.write('wrote docs/configuration.md\n');
}
