import { once } from 'node:events';
import { connect } from 'node:net';

/** A subscriber that sends its request and then never reads a byte: the slow client. */
export interface StalledSubscriber {
  /** Starts reading again and resolves once the server has closed the connection. */
  readToEnd(): Promise<void>;
  destroy(): void;
}

export async function stalledSubscriber(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<StalledSubscriber> {
  const { hostname, port, host } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  // Paused and without a 'data' listener, the socket stops reading once its small
  // buffer fills, so the kernel buffers fill and then the server's.
  socket.pause();
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n${extra}\r\n`);
  socket.on('error', () => undefined);
  return {
    async readToEnd() {
      const closed = once(socket, 'close');
      // A paused socket never notices the server's FIN; reading (and discarding) does.
      socket.resume();
      await closed;
    },
    destroy: () => socket.destroy(),
  };
}
