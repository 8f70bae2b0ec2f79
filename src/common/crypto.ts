import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server's one seam to `node:crypto`: session cookies, CSRF tokens,
 * bearer-token lookups and webhook signatures all hash, sign and compare
 * through here, so there is one place to review (and one way to get a
 * comparison wrong).
 */

export type Key = string | Buffer;
export type DigestEncoding = 'hex' | 'base64url';

/** SHA-256 of `data` (UTF-8 for strings), as raw bytes. */
export function sha256(data: string | Buffer): Buffer {
  // The one-shot form: no Hash object per call, which a token lookup on every poll notices.
  return hash('sha256', data, 'buffer');
}

/** HMAC-SHA256 of `data` under `key`, encoded as asked. */
export function hmacSha256(key: Key, data: string | Buffer, encoding: DigestEncoding): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

/**
 * True when `given` equals `expected`, in time that does not depend on where
 * they differ. A length mismatch answers at once: every caller compares
 * values whose length is public (digests, signatures of a fixed encoding).
 */
export function safeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = typeof given === 'string' ? Buffer.from(given) : given;
  const b = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `bytes` bytes from the CSPRNG. */
export function randomKey(bytes: number): Buffer {
  return randomBytes(bytes);
}

/** A URL-safe random id carrying `bytes` bytes of entropy. */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
