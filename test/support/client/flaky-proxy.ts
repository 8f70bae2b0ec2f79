import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which requests the proxy answers with 502. */
export type ProxyFailure = 'none' | 'stream' | 'all';

/**
 * A reverse proxy in front of a server, as a load balancer would be. While
 * failing it answers with `502 Bad Gateway`, the way a proxy does when its
 * backend is down: every request (`all`), or only the SSE route (`stream`,
 * e.g. an upstream pool for long-lived connections that is down). Otherwise
 * it forwards, streaming included.
 */
export class FlakyProxy {
  private failing: ProxyFailure = 'none';
  /** Requests answered 502, by path. */
  readonly refused: string[] = [];
  private readonly open = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  private constructor(private readonly target: string) {}

  static async start(target: string): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(target);
    proxy.server = createServer((req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Starts answering 502 (and cuts the streams it was carrying), or stops with `none`. */
  fail(what: ProxyFailure): void {
    this.failing = what;
    if (what !== 'none') for (const res of this.open) res.destroy();
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    if (this.failing === 'all' || (this.failing === 'stream' && path.startsWith('/api/prompts/stream'))) {
      this.refused.push(path);
      res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    // The upstream's own Host, as nginx sends by default (`proxy_set_header Host $proxy_host`): an open
    // server answers only Host names of its own loopback address and port.
    const headers = { ...req.headers, host: new URL(this.target).host };
    const upstream = request(new URL(path, this.target), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    this.open.add(res);
    res.on('close', () => {
      this.open.delete(res);
      upstream.destroy();
    });
    req.pipe(upstream);
  }
}
