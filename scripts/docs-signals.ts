// Regenerates the contract and signal-kind tables of docs/signals.md from lib/signals (the prose is hand-written).
// Run: npm run docs:signals; `--check` exits 1 when the file is stale (test/signals/docs.test.ts checks it too).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSignalsDoc } from '../lib/monitoring/contract-doc';

/** Path of the document, from the project root. */
export const SIGNALS_DOC = join(__dirname, '..', 'docs', 'signals.md');

if (require.main === module) {
  const current = readFileSync(SIGNALS_DOC, 'utf8');
  const fresh = renderSignalsDoc(current);
  if (process.argv.includes('--check')) {
    if (fresh !== current) {
      process.stderr.write('docs/signals.md is stale: run `npm run docs:signals` and commit it\n');
      process.exit(1);
    }
  } else {
    writeFileSync(SIGNALS_DOC, fresh);
    process.stdout.write('wrote docs/signals.md\n');
  }
}
