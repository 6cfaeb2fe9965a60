// Regenerates the params tables of docs/workloads.md from the ParamSchema of every built-in workload.
// Run: npm run docs:workloads (node --import tsx scripts/docs-workloads.ts); `--check` exits 1 when the file is stale.
// The prose is hand-written; only the text between `<!-- params:<workload> -->` and `<!-- /params:<workload> -->`
// is generated. test/workloads/docs.test.ts fails when the file is stale or a workload has no table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParamRow } from '../lib/core/params';
import { GUEST_FAMILIES, GUEST_FAMILY_TABLE } from '../lib/guest/guest-family';
import { BUILTIN_WORKLOADS } from '../lib/workloads/_registry';

/** Path of the document, from the project root. */
export const WORKLOADS_DOC = join(__dirname, '..', 'docs', 'workloads.md');

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table of one workload's params: param, type, default, what is allowed, meaning. */
export function paramsTable(rows: readonly ParamRow[]): string {
  return [
    '| param | type | default | allowed | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${r.type} | ${r.default === '' ? '(none)' : `\`${cell(r.default)}\``} | ${cell(r.allowed)} | ${cell(r.description)} |`),
  ].join('\n');
}

/** The guest family table: what each family installs instead of the Fedora package names, and its PostgreSQL layout. */
export function familiesTable(): string {
  const names = [...new Set(GUEST_FAMILIES.flatMap((f) => [...Object.keys(GUEST_FAMILY_TABLE[f].packages), ...Object.keys(GUEST_FAMILY_TABLE[f].components)]))].sort();
  const pkg = (f: (typeof GUEST_FAMILIES)[number], n: string) => {
    const m = GUEST_FAMILY_TABLE[f].packages[n] ?? [n];
    const component = GUEST_FAMILY_TABLE[f].components[n];
    const from = component ? ` (from \`${component}\`: cloud-init adds the source)` : '';
    return Array.isArray(m) ? (m.length ? `${m.map((x) => `\`${x}\``).join(', ')}${from}` : '(none needed)') : `refused: ${cell((m as { unavailable: string }).unavailable)}`;
  };
  return [
    `| | ${GUEST_FAMILIES.map((f) => `\`${f}\` (${GUEST_FAMILY_TABLE[f].distributions})`).join(' | ')} |`,
    `| --- | ${GUEST_FAMILIES.map(() => '---').join(' | ')} |`,
    ...names.map((n) => `| package \`${n}\` | ${GUEST_FAMILIES.map((f) => pkg(f, n)).join(' | ')} |`),
    `| PostgreSQL data directory | ${GUEST_FAMILIES.map((f) => `\`${GUEST_FAMILY_TABLE[f].postgresql.dataDir}\``).join(' | ')} |`,
    `| guest agent unit enabled | ${GUEST_FAMILIES.map((f) => (GUEST_FAMILY_TABLE[f].enableGuestAgent ? 'yes' : 'no (static unit, started)')).join(' | ')} |`,
    `| package services stopped and disabled first | ${GUEST_FAMILIES.map((f) => Object.entries(GUEST_FAMILY_TABLE[f].packageServices).map(([p, svcs]) => `${svcs.map((x) => `\`${x}\``).join(', ')} (${p})`).join(', ') || '(none)').join(' | ')} |`,
  ].join('\n');
}

/**
 * `current` with every generated block rewritten from the workloads' schemas. Fails when a built-in workload has no
 * block (the doc must list every workload) or a block names an unknown workload.
 */
export function renderWorkloadsDoc(current: string): string {
  const seen = new Set<string>();
  const rendered = current.replace(/<!-- families -->\n[\s\S]*?<!-- \/families -->/, () => `<!-- families -->\n${familiesTable()}\n<!-- /families -->`).replace(/<!-- params:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/params:\1 -->/g, (_block, name: string) => {
    const cls = BUILTIN_WORKLOADS[name];
    if (!cls) throw new Error(`docs/workloads.md: params block for unknown workload "${name}"`);
    seen.add(name);
    return `<!-- params:${name} -->\n${paramsTable(cls.params.describe())}\n<!-- /params:${name} -->`;
  });
  const missing = Object.keys(BUILTIN_WORKLOADS).filter((n) => !seen.has(n));
  if (missing.length > 0) {
    throw new Error(`docs/workloads.md: no params block for ${missing.join(', ')} (add <!-- params:<name> --> <!-- /params:<name> -->)`);
  }
  return rendered;
}

if (require.main === module) {
  const current = readFileSync(WORKLOADS_DOC, 'utf8');
  const fresh = renderWorkloadsDoc(current);
  if (process.argv.includes('--check')) {
    if (fresh !== current) {
      process.stderr.write('docs/workloads.md is stale: run `npm run docs:workloads` and commit it\n');
      process.exit(1);
    }
  } else {
    writeFileSync(WORKLOADS_DOC, fresh);
    process.stdout.write('wrote docs/workloads.md\n');
  }
}
