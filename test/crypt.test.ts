import { spawnSync } from 'node:child_process';
import { deriveSalt, sha512Crypt } from '../lib/guest/_crypt';

/** The SHA-512 test vectors published with the specification ("Unix crypt using SHA-256 and SHA-512"). */
const VECTORS: [salt: string, rounds: number | undefined, password: string, expected: string][] = [
  ['saltstring', undefined, 'Hello world!',
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['saltstringsaltstring', 10000, 'Hello world!',
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['toolongsaltstring', 5000, 'This is just a test',
    '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
  ['anotherlongsaltstring', 1400, 'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
  ['short', 77777, 'we have a short salt string but not a short password',
    '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'],
  ['asaltof16chars..', 123456, 'a short string',
    '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1'],
  ['roundstoolow', 10, 'the minimum number is still observed',
    '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
];

describe('sha512Crypt', () => {
  it.each(VECTORS)('matches the published vector for salt %j, rounds %j', (salt, rounds, password, expected) => {
    expect(sha512Crypt(password, salt, rounds)).toBe(expected);
  });

  it('agrees with OpenSSL on passwords with multibyte characters and every length up to 80 bytes', () => {
    // GIVEN openssl (the reference implementation on this machine), which uses 5000 rounds and no rounds= prefix
    const r = spawnSync('openssl', ['version']);
    if (r.status !== 0) throw new Error('openssl is needed to cross-check sha512Crypt');
    const lengths = Array.from({ length: 12 }, (_, i) => 1 + i * 7); // 1, 8, … 78: around every 64-byte block edge
    for (const password of ['é', 'pässwörd ✓', ...lengths.map((n) => 'ab'.repeat(n).slice(0, n))]) {
      const salt = deriveSalt(password, 8);
      const openssl = spawnSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password, encoding: 'utf8' });
      expect(sha512Crypt(password, salt)).toBe(openssl.stdout.trim());
    }
  });

  it('fails when the salt contains a separator', () => {
    expect(() => sha512Crypt('x', 'a$b')).toThrow('sha512-crypt salt must not contain "$", ":" or a newline');
  });
});

describe('deriveSalt', () => {
  it('is deterministic, 16 crypt(3) characters by default, and different for different seeds', () => {
    expect(deriveSalt('alice\0pw')).toBe(deriveSalt('alice\0pw'));
    expect(deriveSalt('alice\0pw')).toMatch(/^[./0-9A-Za-z]{16}$/);
    expect(deriveSalt('alice\0pw')).not.toBe(deriveSalt('bob\0pw'));
    expect(deriveSalt('s', 8)).toHaveLength(8);
  });
});
