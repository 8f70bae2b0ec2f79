import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerAndClose, rawErrorResponse } from './raw-response.js';

/**
 * Requests Node's HTTP parser rejects before any route sees them (a CR or NUL
 * in a header, headers or URL over the size limit) get the same JSON error
 * body as everything else, instead of Node's bare status line.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 431
        ? 'the request line or headers are larger than the server accepts (a URL with a huge query?)'
        : status === 408
          ? 'the request took too long to arrive (its head must arrive within HTTP_HEADERS_TIMEOUT_MS, all of it within HTTP_REQUEST_TIMEOUT_MS)'
          : 'malformed HTTP request (an invalid character or line break in a header?)';
    answerAndClose(socket, rawErrorResponse(status, message));
  });
}
