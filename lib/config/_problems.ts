import { UsageError, VirtworkError, show } from '../core/errors';
import { didYouMean } from '../core/_suggest';
import { Kind } from './setting';

/** The message for a bad value: what is wrong at `where`, what is allowed, and the value unless it is secret. */
export function badValue(where: string, kind: Kind<unknown> | undefined, value: unknown, secret = false): string {
  const specific = kind?.explain?.(value);
  if (specific !== undefined) return `${where}: ${specific}`;
  const got = secret ? ' (value not shown)' : `, got ${show(value)}`;
  return `${where}: must be ${kind?.allowed ?? 'a valid value'}${got}`;
}

/**
 * Checks `value` against `kind`; on failure adds one problem per bad spot (a list names its bad items with
 * `itemWhere`) and returns undefined.
 */
export function checkValue<T>(
  kind: Kind<T>,
  value: unknown,
  where: string,
  problems: string[],
  o: { readonly secret?: boolean; readonly itemWhere?: (index: number) => string } = {},
): T | undefined {
  const result = kind.schema.safeParse(value);
  if (result.success) return result.data;
  if (Array.isArray(value) && kind.item) {
    const bad = [...new Set(result.error.issues.map((i) => i.path[0]).filter((p): p is number => typeof p === 'number'))];
    if (bad.length > 0) {
      for (const i of bad) problems.push(badValue(o.itemWhere?.(i) ?? `${where}[${i}]`, kind.item as Kind<unknown>, value[i], o.secret));
      return undefined;
    }
  }
  problems.push(badValue(where, kind as Kind<unknown>, value, o.secret));
  return undefined;
}

/**
 * Throws one VirtworkError listing every problem (one per line), if there are any; a UsageError (exit 2) when
 * `usage` says they are all about the command line.
 */
export function throwProblems(problems: readonly string[], usage = false): void {
  if (problems.length === 0) return;
  const message = [...new Set(problems)].join('\n');
  throw usage ? new UsageError(message) : new VirtworkError(message);
}

/** `unknown key "x" (did you mean "y"?); known keys: …` */
export function unknownKey(where: string, key: string, known: readonly string[], what = 'key'): string {
  return `${where}: unknown ${what}${didYouMean(key, known)}; known ${what}s: ${known.join(', ')}`;
}
