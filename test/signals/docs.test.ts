import { readFileSync } from 'node:fs';
import { SIGNALS_DOC } from '../../scripts/docs-signals';
import { renderSignalsDoc } from '../../lib/monitoring/contract-doc';
import { SIGNAL_TABLES } from '../../lib/signals/contract';

describe('docs/signals.md', () => {
  const current = readFileSync(SIGNALS_DOC, 'utf8');

  it('is up to date with the signal tables (run `npm run docs:signals` after changing lib/signals)', () => {
    expect(renderSignalsDoc(current)).toBe(current);
  });

  it('lists every built-in workload in the contract table', () => {
    const block = current.split('<!-- signals:contract -->')[1].split('<!-- /signals:contract -->')[0];
    for (const name of Object.keys(SIGNAL_TABLES)) expect(block).toContain(`| \`${name}\` |`);
  });

  it('fails when a generated block is missing or unknown', () => {
    expect(() => renderSignalsDoc(current.replace('<!-- signals:kinds -->', '<!-- kinds -->'))).toThrow('docs/signals.md: no generated block kinds');
    expect(() => renderSignalsDoc(`${current}\n<!-- signals:nope -->\n<!-- /signals:nope -->\n`)).toThrow('docs/signals.md: unknown generated block "nope"');
  });

  it('documents every option of check-signals', () => {
    for (const flag of ['--prometheus', '--bearer-token-file', '--ca-file', '--insecure-skip-tls-verify', '--window', '--timeout', '--retries', '--run-id']) {
      expect(current).toContain(`\`${flag}`);
    }
  });
});
