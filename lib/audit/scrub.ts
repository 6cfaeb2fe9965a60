/** What replaces a credential in stored text. */
export const REDACTED = '[REDACTED]';

/** Longest error text kept; the rest is cut with an ellipsis. */
export const MAX_TEXT_LENGTH = 4000;

const _PATTERNS: readonly [RegExp, string][] = [
  // Authorization headers and bearer/basic credentials: "Bearer abc…", "Authorization: Basic …"
  [/\b(bearer|basic)(\s+|%20)[A-Za-z0-9\-._~+/=:%]{4,}/gi, `$1$2${REDACTED}`],
  // JSON Web Tokens (Kubernetes service-account tokens, OIDC id tokens) wherever they appear
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // OpenShift OAuth access tokens
  [/\bsha256~[A-Za-z0-9_-]{8,}/g, REDACTED],
  // key=value, key: value and "key": "value" for credential-looking keys (flags and query strings included)
  [
    /(["']?\b(?:token|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|secret|password|passwd|pwd|api[_-]?key|authorization)["']?\s*[=:]\s*["']?)(?!\[REDACTED\]|bearer\b|basic\b)[^\s"'&,;}]+/gi,
    `$1${REDACTED}`,
  ],
  // "--token xyz" style flags with a space
  [/(--(?:token|password|client-secret)\s+)(?!\[REDACTED\])\S+/gi, `$1${REDACTED}`],
  // PEM private keys and certificates' key blocks
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // URLs with user:password@
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, `$1${REDACTED}@`],
];

/**
 * Removes anything that looks like a credential from free text before it is stored: bearer and basic
 * credentials, JWTs, OpenShift `sha256~` tokens, `token=`/`password:`-style pairs, PEM private keys and
 * passwords in URLs; then caps the length at {@link MAX_TEXT_LENGTH}.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of _PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_TEXT_LENGTH ? `${out.slice(0, MAX_TEXT_LENGTH - 1)}…` : out;
}
