import { createHash } from 'node:crypto';
import { VirtworkError } from '../core/errors';

/** The crypt(3) base-64 alphabet. */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
const SALT_MAX = 16;
/** Byte order of the final encoding (SHA-crypt spec, SHA-512 variant): triples, then the last byte alone. */
const ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7],
  [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57],
  [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
] as const;

const sha512 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `source` repeated to exactly `length` bytes. */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += source.length) source.copy(out, i, 0, Math.min(source.length, length - i));
  return out;
}

/**
 * SHA-512 crypt (`$6$`), as specified by Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" and implemented
 * by glibc: `salt` is at most 16 characters (longer is cut); `rounds`, when given, is clamped to [1000, 999999999]
 * and written into the result (`$6$rounds=<n>$…`); without it 5000 rounds are used and not written.
 */
export function sha512Crypt(password: string, salt: string, rounds?: number): string {
  if (/[$:\n]/.test(salt)) throw new VirtworkError('sha512-crypt salt must not contain "$", ":" or a newline');
  const r = rounds === undefined ? ROUNDS_DEFAULT : Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Math.floor(rounds)));
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt, 'utf8').subarray(0, SALT_MAX);

  const B = sha512(P, S, P);
  const a = createHash('sha512').update(P).update(S).update(stretch(B, P.length));
  for (let n = P.length; n > 0; n >>= 1) a.update(n & 1 ? B : P);
  const A = a.digest();

  const pBytes = stretch(sha512(...Array<Buffer>(P.length).fill(P)), P.length);
  const sBytes = stretch(sha512(...Array<Buffer>(16 + A[0]).fill(S)), S.length);

  let C = A;
  for (let i = 0; i < r; i++) {
    const c = createHash('sha512');
    c.update(i & 1 ? pBytes : C);
    if (i % 3) c.update(sBytes);
    if (i % 7) c.update(pBytes);
    c.update(i & 1 ? C : pBytes);
    C = c.digest();
  }

  let encoded = '';
  const b64 = (w: number, n: number) => {
    for (let k = 0; k < n; k++, w >>= 6) encoded += ITOA64[w & 0x3f];
  };
  for (const [x, y, z] of ORDER) b64((C[x] << 16) | (C[y] << 8) | C[z], 4);
  b64(C[63], 2);
  const roundsPart = rounds === undefined ? '' : `rounds=${r}$`;
  return `$6$${roundsPart}${S.toString('utf8')}$${encoded}`;
}

/** A salt of `length` crypt(3) characters derived from `seed` (deterministic: same seed, same salt). */
export function deriveSalt(seed: string, length = SALT_MAX): string {
  const digest = createHash('sha256').update('virtwork-sha512-crypt-salt\0').update(seed, 'utf8').digest();
  let salt = '';
  for (let i = 0; i < length; i++) salt += ITOA64[digest[i] & 0x3f];
  return salt;
}
