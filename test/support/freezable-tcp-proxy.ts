import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server whose connections can go silent: `freeze()`
 * stops carrying bytes on every connection it holds without closing any, the
 * way a network partition looks to both ends (no FIN, no RST). Connections
 * made afterwards are carried normally.
 */
export class FreezableTcpProxy {
  /** How many connections the proxy has accepted since it started. */
  accepted = 0;
  private readonly pairs = new Set<[Socket, Socket]>();
  private constructor(private readonly server: Server) {}

  static async start(targetHost: string, targetPort: number): Promise<FreezableTcpProxy> {
    const server = createServer();
    const proxy = new FreezableTcpProxy(server);
    server.on('connection', (client) => proxy.carry(client, connect(targetPort, targetHost)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops every current connection in both directions; nothing is closed. */
  freeze(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.server.close();
    await once(this.server, 'close');
  }

  private carry(client: Socket, upstream: Socket): void {
    this.accepted += 1;
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  }
}
