import { MAX_TEXT_LENGTH, REDACTED, scrubSecrets } from '../../lib/audit/scrub';

describe('scrubSecrets', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.sig-nature_x';

  it.each([
    ['a bearer header', 'Authorization: Bearer abc123def456', `Authorization: Bearer ${REDACTED}`],
    ['a basic header', 'authorization: Basic dXNlcjpwYXNz', `authorization: Basic ${REDACTED}`],
    ['a bare JWT', `token rejected: ${jwt} expired`, `token rejected: ${REDACTED} expired`],
    ['an OpenShift token', 'oc login --token=sha256~abcdefghijklmnop', `oc login --token=${REDACTED}`],
    ['a bare OpenShift token', 'using sha256~abcdefghijklmnop now', `using ${REDACTED} now`],
    ['a token flag with a space', 'apply --token abc.def.ghi', `apply --token ${REDACTED}`],
    ['a password pair', 'password: hunter2, user: ops', `password: ${REDACTED}, user: ops`],
    ['a JSON token field', '{"token":"abcd1234","kind":"Status"}', `{"token":"${REDACTED}","kind":"Status"}`],
    ['a query string', 'GET /x?access_token=zzz999&watch=1', `GET /x?access_token=${REDACTED}&watch=1`],
    ['a client secret', 'client-secret=s3cr3t', `client-secret=${REDACTED}`],
    ['a URL password', 'https://admin:pa55@api:6443/healthz', `https://admin:${REDACTED}@api:6443/healthz`],
    ['a PEM private key', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nend', `key:\n${REDACTED}\nend`],
  ])('redacts %s', (_what, input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('leaves ordinary error text alone', () => {
    const text = 'VirtualMachine "virtwork-cpu-0" is invalid: spec.template.spec.domain.cpu.cores: Invalid value: 0';
    expect(scrubSecrets(text)).toBe(text);
  });

  it('caps very long text', () => {
    const out = scrubSecrets('x'.repeat(MAX_TEXT_LENGTH * 2));
    expect(out).toHaveLength(MAX_TEXT_LENGTH);
    expect(out.endsWith('…')).toBe(true);
  });
});
