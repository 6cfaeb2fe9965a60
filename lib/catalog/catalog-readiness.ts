import { z } from 'zod';
import { VirtworkError, show } from '../core/errors';
import { ReadinessCheck, heartbeatWithin } from '../guest/health-responder';
import { findPlaceholders, substitute } from './placeholders';

/**
 * `readiness:` of a catalog entry's workload.yaml: what its VMs' health responder checks (see docs/catalog.md,
 * "Readiness"). Without it every unit of the VM must be active; with it, for example:
 *
 * ```yaml
 * readiness:
 *   - heartbeat: sysbench                          # the scripts call `virtwork-heartbeat sysbench` after each good run
 *     every: "{{test-duration}} + {{loop-delay}}"  # seconds between two heartbeats of a working loop
 *     what: sysbench run
 *     role: client
 *   - listen: 3306                                 # something listens on this TCP port
 *     role: server
 * ```
 */
export const CATALOG_READINESS_SHAPE = {
  heartbeat: z.string().optional(),
  every: z.union([z.int(), z.string()]).optional(),
  what: z.string().optional(),
  listen: z.int().min(1).max(65535).optional(),
  role: z.string().optional(),
};

/** One `readiness:` item as written. */
export type CatalogReadinessSpec = { -readonly [K in keyof typeof CATALOG_READINESS_SHAPE]?: z.infer<(typeof CATALOG_READINESS_SHAPE)[K]> };

const NAME = /^[A-Za-z0-9@._-]{1,100}$/;
const SUM_OF_PRODUCTS = /^\s*\d+(\s*[+*]\s*\d+)*\s*$/;
const WHAT = /^[A-Za-z0-9 ,._/()-]{1,80}$/;

/** Problems of `readiness:` (each `readiness[i].<field>: …`), given the roles and params the manifest declares. */
export function catalogReadinessProblems(
  specs: readonly CatalogReadinessSpec[] | undefined,
  roles: readonly string[] | undefined,
  params: readonly { key: string; type: string }[] | undefined,
): string[] {
  const problems: string[] = [];
  (specs ?? []).forEach((s, i) => {
    const at = `readiness[${i}]`;
    if ((s.heartbeat === undefined) === (s.listen === undefined)) {
      problems.push(`${at}: give exactly one of heartbeat (a name the scripts pass to virtwork-heartbeat) or listen (a TCP port)`);
      return;
    }
    if (s.heartbeat !== undefined) {
      if (!NAME.test(s.heartbeat) || s.heartbeat.startsWith('.')) problems.push(`${at}.heartbeat: must be 1 to 100 letters, digits, '@', '.', '_' or '-', got ${show(s.heartbeat)}`);
      if (s.every === undefined) problems.push(`${at}.every: is required with heartbeat: the seconds between two heartbeats of a working loop, e.g. "{{test-duration}} + {{loop-delay}}"`);
      else problems.push(...everyProblems(`${at}.every`, s.every, params ?? []));
    } else {
      if (s.every !== undefined) problems.push(`${at}.every: applies only to heartbeat`);
    }
    if (s.what !== undefined && !WHAT.test(s.what)) problems.push(`${at}.what: must be 1 to 80 letters, digits, spaces and , . _ / ( ) -, got ${show(s.what)}`);
    if (s.role !== undefined) {
      if (!roles?.length) problems.push(`${at}.role: names role ${show(s.role)}, but the manifest declares no roles`);
      else if (!roles.includes(s.role)) problems.push(`${at}.role: unknown role ${show(s.role)}; roles: ${roles.join(', ')}`);
    }
  });
  return problems;
}

function everyProblems(field: string, every: number | string, params: readonly { key: string; type: string }[]): string[] {
  if (typeof every === 'number') return every >= 1 && every <= 7 * 86400 ? [] : [`${field}: must be from 1 to 604800 seconds, got ${every}`];
  const problems: string[] = [];
  for (const p of findPlaceholders(every)) {
    if (p.kind !== 'param') {
      problems.push(`${field}: ${p.text} cannot be added up; only int params can`);
      continue;
    }
    const param = params.find((q) => q.key === p.key);
    if (!param) problems.push(`${field}: {{${p.key}}} is not a param of this entry`);
    else if (param.type !== 'int') problems.push(`${field}: {{${p.key}}} is a ${param.type} param; only int params can be added up`);
  }
  const shape = every.replace(/\{\{[^}]*\}\}/g, '1');
  if (!SUM_OF_PRODUCTS.test(shape)) problems.push(`${field}: must be whole seconds, int params and + or *, e.g. "{{test-duration}} + {{loop-delay}} + 30", got ${show(every)}`);
  return problems;
}

/** The seconds of an `every:` with the params' values substituted (checked: a sum of products of integers). */
function seconds(every: number | string, values: ReadonlyMap<string, string>, where: string): number {
  if (typeof every === 'number') return every;
  const text = substitute(every, values, where);
  if (!SUM_OF_PRODUCTS.test(text)) throw new VirtworkError(`${where}: every ${show(every)} gives ${show(text)}, not a sum of whole seconds`);
  return text.split('+').reduce((sum, term) => sum + term.split('*').reduce((prod, f) => prod * Number(f.trim()), 1), 0);
}

/**
 * The responder checks of the VMs of `role` (undefined: an entry without roles), or undefined when the entry names
 * none for them (then every unit must be active).
 */
export function catalogReadinessChecks(
  specs: readonly CatalogReadinessSpec[] | undefined, role: string | undefined, values: ReadonlyMap<string, string>, where: string,
): ReadinessCheck[] | undefined {
  const mine = (specs ?? []).filter((s) => s.role === undefined || s.role === role);
  if (mine.length === 0) return undefined;
  return mine.map((s, i): ReadinessCheck => {
    if (s.listen !== undefined) return { kind: 'listen', name: `listen-${s.listen}`, port: s.listen };
    const period = seconds(s.every!, values, `${where}: readiness[${i}]`);
    return { kind: 'heartbeat', name: s.heartbeat!, within: heartbeatWithin(period), what: s.what ?? `${s.heartbeat} heartbeat` };
  });
}
