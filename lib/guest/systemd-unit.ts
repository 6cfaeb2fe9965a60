import { VirtworkError, show } from '../core/errors';

const SYSTEMD_SAFE = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * Quotes one argument of an `Exec*=` line so that systemd passes it verbatim: `%` specifiers and `$`
 * variable expansion are escaped, and anything but a plain word is double-quoted with C escapes.
 */
export function systemdQuote(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new VirtworkError(`a systemd command argument must be one line, got ${show(arg)}`);
  if (SYSTEMD_SAFE.test(arg)) return arg;
  if (/^[A-Za-z0-9_@+=:,./%-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  const escaped = arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** Builds the value of an `ExecStart=` (or other `Exec*=`) line from argv. */
export function execLine(argv: readonly string[]): string {
  return argv.map(systemdQuote).join(' ');
}

/** A systemd service unit, rendered by {@link renderUnit}. */
export interface ServiceUnit {
  /** `Description=` of the `[Unit]` section. */
  readonly description: string;
  /** `After=` units. */
  readonly after?: readonly string[];
  /** `Wants=` units. */
  readonly wants?: readonly string[];
  /** `Requires=` units. */
  readonly requires?: readonly string[];
  /** `[Service]` entries in order, as `[key, value]` pairs (repeat a key for several values). */
  readonly service: readonly (readonly [string, string])[];
  /**
   * `WantedBy=` of the `[Install]` section.
   * @default 'multi-user.target'
   */
  readonly wantedBy?: string;
}

/** Renders a service unit file (deterministic, one entry per line, sections in the usual order). */
export function renderUnit(unit: ServiceUnit): string {
  const lines = ['[Unit]', `Description=${oneLine('Description', unit.description)}`];
  if (unit.after?.length) lines.push(`After=${unit.after.join(' ')}`);
  if (unit.wants?.length) lines.push(`Wants=${unit.wants.join(' ')}`);
  if (unit.requires?.length) lines.push(`Requires=${unit.requires.join(' ')}`);
  lines.push('', '[Service]');
  for (const [key, value] of unit.service) lines.push(`${key}=${oneLine(key, value)}`);
  lines.push('', '[Install]', `WantedBy=${unit.wantedBy ?? 'multi-user.target'}`);
  return lines.join('\n') + '\n';
}

function oneLine(key: string, value: string): string {
  if (/[\n\r\0]/.test(value)) throw new VirtworkError(`systemd ${key}= must be one line, got ${show(value)}`);
  return value;
}
