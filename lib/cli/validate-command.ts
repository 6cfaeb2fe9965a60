import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { validateCatalog } from '../render/validate-catalog';
import { CatalogSet, listCatalog } from '../config/catalog-dirs';
import { findConfigFile } from '../config/loader';
import { EMPTY_LAYER, configNotes, mergeLayers } from '../config/merge';
import { ConfigRequest, loadConfig, loadMerged } from '../config/synth-input';
import { sealInput } from '../config/seal-input';
import { UsageError, VirtworkError, show } from '../core/errors';
import { buildApp, renderCharts } from '../render/synth';
import { didYouMean } from '../core/_suggest';
import { addConfigOptions } from './_config-options';
import { CliContext } from './_context';
import { count } from './_words';

/** One line of the report of `virtwork validate`. */
export interface ValidateLine {
  /** OK, WARN or FAIL. */
  readonly status: 'OK' | 'WARN' | 'FAIL';
  /** `config`, or the catalog entry name. */
  readonly subject: string;
  /** What was found (may span several lines). */
  readonly message: string;
}

/** `virtwork validate`: checks the configuration (by synthesizing it in memory) and the catalog entries. */
export function validateCommand(ctx: CliContext): Command {
  return addConfigOptions(new Command('validate'))
    .description('Check the configuration (synthesized in memory, nothing written) and the catalog entries; exit 1 on any FAIL')
    .argument('[entries...]', 'catalog entries to check (default: every entry of the catalog directories)')
    .action((entries: string[], opts: Record<string, unknown>) => {
      const lines = runValidate(opts, ctx, entries);
      ctx.out(formatReport(lines));
      return lines.some((l) => l.status === 'FAIL') ? Promise.reject(new ValidateFailed()) : undefined;
    });
}

/** Thrown to exit 1 after the report is printed (nothing more to say on stderr). */
class ValidateFailed extends VirtworkError {
  public constructor() {
    super('validation failed (see the FAIL lines above)');
  }
}

/** Validates the configuration and the catalog entries; every finding is a line, nothing is thrown for bad input. */
export function runValidate(opts: Readonly<Record<string, unknown>>, ctx: Pick<CliContext, 'env' | 'cwd'>, entries: readonly string[] = []): ValidateLine[] {
  const req = { flags: opts, env: ctx.env, cwd: ctx.cwd };
  const lines: ValidateLine[] = [];
  try {
    const loaded = loadConfig(req);
    const app = buildApp(sealInput(loaded.input, loaded.merged));
    const files = renderCharts(app);
    const objects = app.charts.flatMap((c) => c.toJson() as Array<{ kind: string }>);
    const vms = objects.filter((o) => o.kind === 'VirtualMachine').length;
    for (const note of configNotes(loaded.merged)) lines.push({ status: 'WARN', subject: 'config', message: note.replace(/^note: /, '') });
    const names = loaded.input.workloads.map((w) => w.name);
    lines.push({
      status: 'OK',
      subject: 'config',
      message: `${loaded.configPath ?? 'defaults (no virtwork.yaml)'}: ${count(names.length, 'workload')} (${names.join(', ')}), ${count(vms, 'VM')}, ` +
        `${count(objects.length, 'object')} in ${count(files.size, 'file')}`,
    });
  } catch (err) {
    if (!(err instanceof VirtworkError) || err instanceof UsageError) throw err;
    lines.push({ status: 'FAIL', subject: 'config', message: err.message });
  }
  const catalog = catalogFor(req);
  const known = [...catalog.available.keys()].sort();
  const wanted = entries.length > 0 ? [...new Set(entries)] : known;
  for (const name of wanted.filter((n) => !catalog.available.has(n))) {
    lines.push({ status: 'FAIL', subject: name, message: `no catalog entry ${show(name)}${didYouMean(name, known)} in ${catalog.dirs.join(', ')}` });
  }
  for (const dir of catalog.dirs) {
    const names = wanted.filter((n) => catalog.available.get(n) === dir);
    if (names.length === 0) continue;
    for (const e of validateCatalog(dir, names).entries) {
      const message = [`${dir}${e.description ? `: ${e.description}` : ''}`, ...e.errors, ...e.warnings].join('\n');
      lines.push({ status: e.status, subject: e.name, message });
    }
  }
  return lines;
}

/**
 * The catalog directories of the configuration; when the configuration itself is bad (already reported), the
 * default ones: `catalog/` next to the configuration file or in the working directory, and the shipped catalog.
 */
function catalogFor(req: ConfigRequest): CatalogSet {
  try {
    return listCatalog(loadMerged(req));
  } catch (err) {
    if (!(err instanceof VirtworkError)) throw err;
  }
  let dir = req.cwd;
  try {
    const path = findConfigFile({ flag: req.flags?.config as string | undefined, env: req.env, cwd: req.cwd });
    if (path !== undefined) dir = dirname(resolve(req.cwd, path));
  } catch (err) {
    if (!(err instanceof VirtworkError)) throw err;
  }
  const file = { path: '', dir, settings: {}, workloads: new Map() };
  return listCatalog(mergeLayers({ file, env: EMPTY_LAYER, flags: EMPTY_LAYER, cwd: req.cwd }));
}

/** The report: one `STATUS  subject  message` line per finding (continuation lines indented), then a summary. */
export function formatReport(lines: readonly ValidateLine[]): string {
  const width = Math.max(...lines.map((l) => l.subject.length));
  const body = lines.map((l) => {
    const [first, ...rest] = l.message.split('\n');
    const pad = ' '.repeat(6 + width + 2);
    return [`${l.status.padEnd(4)}  ${l.subject.padEnd(width)}  ${first}`, ...rest.map((r) => `${pad}${r}`)].join('\n');
  });
  const tally = (s: ValidateLine['status']) => lines.filter((l) => l.status === s).length;
  return `${body.join('\n')}\n${tally('OK')} ok, ${tally('WARN')} with warnings, ${tally('FAIL')} failed\n`;
}
