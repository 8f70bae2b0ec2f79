import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  /** The X-Promptcast-Signature checked against the raw body, as a receiver would. */
  signatureValid: boolean;
}

/**
 * A webhook receiver on 127.0.0.1 that records every POST. `answer` picks the
 * status for each (default 200); `hold()` parks answers until `release()`.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (r: Received) => number = () => 200;
  private held: (() => void)[] = [];
  private holding = false;
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.record(Buffer.concat(chunks), req.headers, res));
  });

  private constructor(private readonly secret: string) {}

  static async start(secret: string, port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    receiver.server.listen(port, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private record(raw: Buffer, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const r: Received = {
      headers,
      raw,
      body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
      signatureValid: verify(raw, headers, this.secret),
    };
    this.received.push(r);
    const answer = (): void => {
      res.statusCode = this.answer(r);
      res.end();
    };
    if (this.holding) this.held.push(answer);
    else answer();
  }
}

/** What the README shows receivers: HMAC-SHA256 of the raw body, compared in constant time. */
function verify(raw: Buffer, headers: IncomingHttpHeaders, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(String(headers['x-promptcast-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
