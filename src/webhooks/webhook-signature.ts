import { hmacSha256 } from '../common/crypto.js';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`: the `X-Promptcast-Signature` value. */
export function signatureOf(body: Buffer, secret: string): string {
  return `sha256=${hmacSha256(secret, body, 'hex')}`;
}
