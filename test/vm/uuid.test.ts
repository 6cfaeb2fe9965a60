import { UUID_NAMESPACE_DNS, UUID_NAMESPACE_URL, uuidV5 } from '../../lib/core/_uuid';

describe('uuidV5', () => {
  it('matches the RFC 4122 / Python uuid5 reference vectors', () => {
    // GIVEN the well-known vectors uuid.uuid5(NAMESPACE_DNS, "python.org") and uuid5(NAMESPACE_URL, "http://python.org/")
    // THEN the pure implementation reproduces them exactly
    expect(uuidV5(UUID_NAMESPACE_DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5(UUID_NAMESPACE_URL, 'http://python.org/')).toBe('4c565f0d-3f5a-5890-b41b-20cf47701c5e');
  });

  it('is stable for the same name and differs for another name', () => {
    expect(uuidV5(UUID_NAMESPACE_DNS, 'virtwork/virtwork-cpu-0')).toBe(uuidV5(UUID_NAMESPACE_DNS, 'virtwork/virtwork-cpu-0'));
    expect(uuidV5(UUID_NAMESPACE_DNS, 'virtwork/virtwork-cpu-0')).not.toBe(uuidV5(UUID_NAMESPACE_DNS, 'virtwork/virtwork-cpu-1'));
  });

  it('sets version 5 and the RFC 4122 variant', () => {
    expect(uuidV5(UUID_NAMESPACE_URL, 'anything')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('fails when the namespace is not a UUID', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow('UUID namespace must be a lowercase UUID, got "not-a-uuid"');
  });
});
