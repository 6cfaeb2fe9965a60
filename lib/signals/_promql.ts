/** A PromQL string literal: double-quoted, with `\` and `"` (and control characters) escaped as Go does. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A RE2 pattern matching exactly one of `values` (metacharacters escaped). */
export function promAlternatives(values: readonly string[]): string {
  return values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')).join('|');
}

/** A label matcher list `{a="x",b=~"y|z"}`; an array value becomes a regex alternative (one value stays `=`). */
export function promSelector(matchers: Readonly<Record<string, string | readonly string[]>>): string {
  const parts = Object.entries(matchers).map(([label, v]) =>
    typeof v === 'string' || v.length === 1
      ? `${label}=${promString(typeof v === 'string' ? v : v[0])}`
      : `${label}=~${promString(promAlternatives(v))}`);
  return `{${parts.join(',')}}`;
}

/** A PromQL duration for `seconds`: whole hours, minutes or seconds (`1h`, `5m`, `90s`). */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`a PromQL duration needs a positive whole number of seconds, got ${seconds}`);
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Parses a duration like `30s`, `5m`, `1h` or `1h30m` into seconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

/** A threshold as PromQL and table text: at most 4 significant digits, never exponent notation for usual sizes. */
export function formatNumber(n: number): string {
  if (n === 0) return '0';
  const rounded = Number(n.toPrecision(4));
  return Math.abs(rounded) >= 1e15 || Math.abs(rounded) < 1e-6 ? rounded.toExponential() : String(rounded);
}
