import { createHmac } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`: the `X-Promptcast-Signature` value. */
export function signatureOf(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
