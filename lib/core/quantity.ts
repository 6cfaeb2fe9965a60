import { VirtworkError, show } from './errors';

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const FACTORS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Parses a Kubernetes byte quantity (`512Mi`, `2Gi`, `10G`) into bytes, or returns undefined when it is not one. */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * FACTORS[m[3] ?? ''];
}

/** Checks that `value` is a positive byte quantity; `what` names the prop or field for the message. */
export function checkQuantity(what: string, value: string): string {
  const bytes = parseQuantity(value);
  if (bytes === undefined || bytes <= 0) {
    throw new VirtworkError(`${what} must be a positive quantity like 512Mi, 2Gi or 10G, got ${show(value)}`);
  }
  return value;
}

/** Checks that `value` is an integer within [min, max]. */
export function checkInt(what: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new VirtworkError(`${what} must be ${range}, got ${show(value)}`);
  }
  return value;
}
