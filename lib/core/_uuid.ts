import { createHash } from 'node:crypto';
import { VirtworkError, show } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** RFC 4122 name space for fully qualified domain names (`6ba7b810-…`), for test vectors. */
export const UUID_NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
/** RFC 4122 name space for URLs. */
export const UUID_NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * A name-based UUID, version 5 (SHA-1), as RFC 4122 §4.3 defines it: the same namespace and name always give
 * the same UUID, on any machine. Pure: no clock, no randomness.
 */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new VirtworkError(`UUID namespace must be a lowercase UUID, got ${show(namespace)}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
