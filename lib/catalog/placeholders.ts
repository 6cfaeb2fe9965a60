import { VirtworkError, show } from '../core/errors';

/**
 * Values virtwork substitutes itself, written `{{virtwork:<name>}}` in a unit or script:
 * `entry` (the entry name), `namespace`, `service` (the entry's Service, `virtwork-<entry>`),
 * `service-host` (the host name clients use to reach that Service from the same namespace, see serviceHost),
 * `role` (the VM's role; role-based entries only) and `guest-family` (`fedora` or `debian`, see GUEST_FAMILY_TABLE).
 */
export const BUILTIN_PLACEHOLDERS = ['entry', 'namespace', 'service', 'service-host', 'role', 'guest-family'] as const;
/** The name of a built-in placeholder. */
export type BuiltinPlaceholder = (typeof BUILTIN_PLACEHOLDERS)[number];

/** One `{{…}}` occurrence in a unit or script. */
export type Placeholder =
  | { readonly kind: 'param'; readonly text: string; readonly key: string }
  | { readonly kind: 'virtwork'; readonly text: string; readonly name: string }
  | { readonly kind: 'script'; readonly text: string; readonly file: string }
  | { readonly kind: 'malformed'; readonly text: string };

const PLACEHOLDER = /\{\{([^{}\n]*)\}\}/g;
const PARAM_KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Every `{{…}}` occurrence of `text`, in order, classified (`{{key}}`, `{{virtwork:name}}`, `{{script:file}}`). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const inner = m[1];
    if (PARAM_KEY.test(inner)) found.push({ kind: 'param', text: m[0], key: inner });
    else if (inner.startsWith('virtwork:')) found.push({ kind: 'virtwork', text: m[0], name: inner.slice('virtwork:'.length) });
    else if (inner.startsWith('script:')) found.push({ kind: 'script', text: m[0], file: inner.slice('script:'.length) });
    else found.push({ kind: 'malformed', text: m[0] });
  }
  return found;
}

/** Where `{{` opens without a matching `}}` on the same line (1-based line numbers). */
export function unclosedPlaceholderLines(text: string): number[] {
  return text
    .split('\n')
    .map((line, i) => [line.replace(PLACEHOLDER, ''), i + 1] as const)
    .filter(([rest]) => rest.includes('{{'))
    .map(([, n]) => n);
}

/**
 * Replaces every placeholder of `text` with its value from `values` (keyed by the text between the braces:
 * `threads`, `virtwork:namespace`, `script:run.sh`). Values must already be safe (see substitutionText);
 * a placeholder without a value is an error (the loader rejects such entries, so this is a guard).
 */
export function substitute(text: string, values: ReadonlyMap<string, string>, where: string): string {
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    const value = values.get(inner);
    if (value === undefined) throw new VirtworkError(`${where}: placeholder ${whole} has no value (${show(inner)} is not declared)`);
    return value;
  });
}
