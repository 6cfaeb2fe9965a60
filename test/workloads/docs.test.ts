import { readFileSync } from 'node:fs';
import { WORKLOADS_DOC, paramsTable, renderWorkloadsDoc } from '../../scripts/docs-workloads';
import { BUILTIN_WORKLOADS } from '../../lib/workloads/_registry';

describe('docs/workloads.md', () => {
  const current = readFileSync(WORKLOADS_DOC, 'utf8');

  it('is up to date with the params of every workload (run `npm run docs:workloads` when this fails)', () => {
    expect(renderWorkloadsDoc(current)).toBe(current);
  });

  it('has a section and a params table for every built-in workload, listing every key', () => {
    for (const [name, cls] of Object.entries(BUILTIN_WORKLOADS)) {
      expect(current).toContain(`\n## ${name}\n`);
      const block = current.slice(current.indexOf(`<!-- params:${name} -->`), current.indexOf(`<!-- /params:${name} -->`));
      for (const key of cls.params.keys) expect(block).toContain(`| \`${key}\` |`);
    }
  });

  it('fails to render when a workload has no table, or a table names no workload', () => {
    expect(() => renderWorkloadsDoc(current.replace('<!-- params:tps -->', '<!-- tps -->'))).toThrow(
      'docs/workloads.md: no params block for tps',
    );
    expect(() => renderWorkloadsDoc(`${current}\n<!-- params:nope -->\n<!-- /params:nope -->\n`)).toThrow(
      'docs/workloads.md: params block for unknown workload "nope"',
    );
  });

  it('renders a row per param with type, default, what is allowed and meaning (pipes escaped)', () => {
    expect(paramsTable([
      { key: 'k', type: 'int', default: '3', allowed: 'an integer from 1 to 5', description: 'a | b' },
      { key: 'e', type: 'list', default: '', allowed: 'words', description: 'none by default' },
    ])).toBe([
      '| param | type | default | allowed | meaning |',
      '| --- | --- | --- | --- | --- |',
      '| `k` | int | `3` | an integer from 1 to 5 | a \\| b |',
      '| `e` | list | (none) | words | none by default |',
    ].join('\n'));
  });
});
