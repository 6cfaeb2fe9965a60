import { VirtworkError, show } from '../core/errors';

const WORKLOAD = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KEY = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
/** What must follow a comma for it to end a pair: `<workload>.<key>=` or nothing, after any empty pairs. */
const PAIR_START = /^[\s,]*([a-z0-9][-a-z0-9]*\.[A-Za-z0-9][A-Za-z0-9_.-]*=|$)/;

/**
 * Parses the `--params` / `VIRTWORK_PARAMS` grammar: `workload.key=value` pairs separated by commas, e.g.
 * `cpu.cpu-load-percent=50,redis-bench.test-mode=set,get`. The workload ends at the first `.`, the key at the
 * first `=`; the value is the rest. A comma starts a new pair only when what follows looks like
 * `<workload>.<key>=`, so values may contain commas (`set,get`) and `=`. Whitespace around pairs is dropped,
 * empty pairs are skipped. Errors name `source` (the flag or variable), the pair and what is expected.
 *
 * @returns workload → key → raw value (typed later by the workload's ParamSchema)
 */
export function parseParamsFlag(raw: string, source: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const pair of splitPairs(raw.trim())) {
    const dot = pair.indexOf('.');
    const eq = pair.indexOf('=');
    if (dot < 0 || (eq >= 0 && eq < dot)) {
      throw new VirtworkError(`${source}: missing workload prefix in ${show(pair)} (expected workload.key=value)`);
    }
    const workload = pair.slice(0, dot);
    if (eq < 0) throw new VirtworkError(`${source}: missing "=" in ${show(pair)} (expected workload.key=value)`);
    const key = pair.slice(dot + 1, eq);
    const value = pair.slice(eq + 1);
    if (!WORKLOAD.test(workload)) {
      throw new VirtworkError(
        `${source}: invalid workload name ${show(workload)} in ${show(pair)} (lowercase letters, digits and '-')`,
      );
    }
    if (!KEY.test(key)) {
      throw new VirtworkError(
        `${source}: invalid param key ${show(key)} in ${show(pair)} (letters, digits, '-', '_' and '.', ` +
          `starting and ending with a letter or digit)`,
      );
    }
    if (value.trim() === '') throw new VirtworkError(`${source}: empty value in ${show(pair)} (expected workload.key=value)`);
    const params = (out[workload] ??= {});
    if (key in params) throw new VirtworkError(`${source}: ${workload}.${key} is given twice (${show(params[key])} and ${show(value)})`);
    params[key] = value;
  }
  return out;
}

/** Splits on the commas that start a new `workload.key=` pair; trims pairs and drops empty ones. */
function splitPairs(text: string): string[] {
  const pairs: string[] = [];
  let start = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
    const rest = text.slice(i + 1);
    if (PAIR_START.test(rest)) {
      pairs.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pairs.push(text.slice(start));
  return pairs.map((p) => p.trim()).filter((p) => p.length > 0);
}
