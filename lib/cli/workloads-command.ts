import { Command, Option } from 'commander';
import { VirtworkError, show } from '../core/errors';
import { loadCatalogEntry } from '../catalog/loader';
import { CatalogSet, knownWorkloads, listCatalog } from '../config/catalog-dirs';
import { loadMerged } from '../config/synth-input';
import { ParamRow } from '../core/params';
import { didYouMean } from '../core/_suggest';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOADS } from '../workloads/_registry';
import { addConfigOptions } from './_config-options';
import { CliContext } from './_context';

/** One workload as `virtwork workloads` describes it. */
export interface WorkloadInfo {
  /** Name to select it with. */
  readonly name: string;
  /** `built-in`, or the catalog directory holding it. */
  readonly source: string;
  /** Selected when the configuration selects nothing. */
  readonly isDefault: boolean;
  /** One-line description, when the class has one. */
  readonly description?: string;
  /** Params with types, defaults and allowed values. */
  readonly params: readonly ParamRow[];
  /** Why a catalog entry cannot be loaded (run `virtwork validate`). */
  readonly error?: string;
}

/** `virtwork workloads`: every workload (built-ins and catalog entries) with its params, types and defaults. */
export function workloadsCommand(ctx: CliContext): Command {
  return addConfigOptions(new Command('workloads'), ['catalogDir'])
    .description('List every workload (built-ins and catalog entries) with its params, types and defaults; exit 1 when a listed catalog entry cannot be loaded')
    .argument('[names...]', 'only these workloads')
    .addOption(new Option('--json', 'print JSON instead of tables'))
    .action((names: string[], opts: Record<string, unknown>) => {
      const infos = describeWorkloads(opts, ctx, names);
      ctx.out(opts.json ? `${JSON.stringify(infos, null, 2)}\n` : formatWorkloads(infos));
      const broken = infos.filter((w) => w.error !== undefined).map((w) => w.name);
      if (broken.length > 0) {
        throw new VirtworkError(`${broken.length === 1 ? 'catalog entry' : 'catalog entries'} ${broken.join(', ')} cannot be loaded (see above; \`virtwork validate ${broken.join(' ')}\` says why)`);
      }
    });
}

/** Describes the workloads available with the configuration's catalog directory (all, or `names`). */
export function describeWorkloads(opts: Readonly<Record<string, unknown>>, ctx: Pick<CliContext, 'env' | 'cwd'>, names: readonly string[] = []): WorkloadInfo[] {
  const merged = loadMerged({ flags: opts, env: ctx.env, cwd: ctx.cwd });
  const catalog = listCatalog(merged);
  const known = knownWorkloads(catalog);
  for (const name of names) {
    if (!known.includes(name)) throw new VirtworkError(`unknown workload ${show(name)}${didYouMean(name, known)}; available: ${known.join(', ')}`);
  }
  return known.filter((n) => names.length === 0 || names.includes(n)).map((name) => describe(name, catalog));
}

function describe(name: string, catalog: CatalogSet): WorkloadInfo {
  const isDefault = DEFAULT_WORKLOADS.includes(name);
  const builtin = BUILTIN_WORKLOADS[name];
  if (builtin) {
    const description = (builtin as { description?: unknown }).description;
    return { name, source: 'built-in', isDefault, description: typeof description === 'string' ? description : undefined, params: builtin.params.describe() };
  }
  const dir = catalog.available.get(name)!;
  try {
    const entry = loadCatalogEntry(dir, name);
    return { name, source: dir, isDefault, description: entry.description, params: entry.params.describe() };
  } catch (err) {
    if (!(err instanceof VirtworkError)) throw err;
    return { name, source: dir, isDefault, params: [], error: err.message };
  }
}

/** Plain-text tables, one per workload. */
export function formatWorkloads(infos: readonly WorkloadInfo[]): string {
  const blocks = infos.map((w) => {
    const tags = [w.source === 'built-in' ? 'built-in' : `catalog: ${w.source}`, ...(w.isDefault ? ['default'] : [])];
    const head = `${w.name} (${tags.join(', ')})${w.description ? `: ${w.description}` : ''}`;
    if (w.error) return `${head}\n  cannot be loaded: ${w.error.split('\n').join('\n  ')}\n`;
    if (w.params.length === 0) return `${head}\n  no params\n`;
    const rows = [['PARAM', 'TYPE', 'DEFAULT', 'DESCRIPTION'], ...w.params.map((p) => [p.key, p.type, p.default, p.description])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
    const indent = ' '.repeat(2 + widths.slice(0, 3).reduce((a, b) => a + b + 2, 0));
    const body = w.params.map((p, i) => `${line(rows[i + 1])}\n${indent}allowed: ${p.allowed}`);
    return `${head}\n${line(rows[0])}\n${body.join('\n')}\n`;
  });
  return blocks.join('\n');
}
