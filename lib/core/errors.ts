/**
 * An error caused by the user's input (configuration, params, props, catalog entry, CLI flag).
 *
 * The CLIs print only its message (never a stack trace) and exit non-zero. Messages name the
 * file or prop, the field, the bad value and what is allowed.
 */
export class VirtworkError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VirtworkError';
  }
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/**
 * A VirtworkError about the command line itself (a flag value of the wrong type or outside its allowed values):
 * the CLIs exit 2 (usage), like commander does for an unknown flag or a missing value.
 */
export class UsageError extends VirtworkError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
