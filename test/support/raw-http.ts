import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/**
 * A TCP connection to the server that writes exactly the bytes it is given,
 * so a test can send half a request (a slowloris client), a request without a
 * Host header, or an HTTP/1.0 request, and read what the server wrote back.
 */
export class RawConnection {
  /** Everything the server wrote, as text. */
  received = '';
  /** Resolves when the socket is gone (closed by either side, or reset). */
  readonly closed: Promise<void>;
  private open = true;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
    });
    // A reset is one way a server refuses; the test looks at `isClosed`, not at the error.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.open = false;
        resolve();
      }),
    );
  }

  /** Connects to the host and port of `url` and resolves once the TCP connection is up. */
  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  get isClosed(): boolean {
    return !this.open;
  }

  /** The status code of the response the server wrote, if any. */
  get status(): number | undefined {
    const match = /^HTTP\/1\.[01] (\d{3}) /.exec(this.received);
    return match ? Number(match[1]) : undefined;
  }

  /** The JSON body of the response, once it is complete. */
  get body(): unknown {
    const at = this.received.indexOf('\r\n\r\n');
    return at < 0 ? undefined : (JSON.parse(this.received.slice(at + 4)) as unknown);
  }

  /** A response header's value (case-insensitive name), if the server wrote it. */
  header(name: string): string | undefined {
    const head = this.received.split('\r\n\r\n')[0] ?? '';
    const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(name.length + 1).trim();
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Destroys the socket from this side and waits until it is gone. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }
}

/**
 * Opens a connection and sends the start of a request whose headers never
 * finish: what a slowloris client holds open.
 */
export async function halfSentRequest(url: string, path = '/api/prompts'): Promise<RawConnection> {
  const conn = await RawConnection.open(url);
  conn.write(`GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nX-Slow: `);
  return conn;
}
