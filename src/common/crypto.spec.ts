import { hmacSha256, randomId, safeEqual, sha256 } from './crypto.js';

describe('crypto seam', () => {
  it('hashes with SHA-256 (FIPS 180-2 vector "abc")', () => {
    expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('signs with HMAC-SHA256 (RFC 4231 test case 2) in the encoding asked for', () => {
    const hex = hmacSha256('Jefe', 'what do ya want for nothing?', 'hex');
    expect(hex).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?', 'base64url')).toBe(Buffer.from(hex, 'hex').toString('base64url'));
  });

  it('compares equal values as equal, strings and bytes alike', () => {
    expect(safeEqual('sha256=abc', 'sha256=abc')).toBe(true);
    expect(safeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).toBe(true);
    expect(safeEqual('abc', Buffer.from('abc'))).toBe(true);
  });

  it('refuses a value that differs in one byte or in length, without throwing', () => {
    expect(safeEqual('sha256=abc', 'sha256=abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });

  it('makes URL-safe random ids of the asked entropy, never the same twice', () => {
    const ids = Array.from({ length: 100 }, () => randomId(18));
    expect(ids.every((id) => /^[A-Za-z0-9_-]{24}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(100);
  });
});
