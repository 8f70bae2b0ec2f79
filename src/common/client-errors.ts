import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerAndClose, errorBody, rawErrorResponse } from './raw-response.js';

/**
 * Requests Node's HTTP server answers before any route sees them get the
 * same JSON error body as everything else, instead of Node's bare status
 * line: those its parser rejects (a CR or NUL in a header, headers or URL
 * over the size limit), and those whose `Expect` asks for something other
 * than `100-continue`.
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
    answerAndClose(socket, rawErrorResponse(status, message, {}, isHead(err)));
  });
  // With a listener Node no longer answers 417 itself (with no body); the request never reaches the app.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = errorBody(417, 'the server only understands "Expect: 100-continue"; leave the Expect header out');
    res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  });
}

/**
 * A HEAD answer carries no body (a client would read it as a second answer).
 * Best effort: the packet starts with the request line when the error is in
 * the first packet, which is always so for an oversize request line.
 */
function isHead(err: NodeJS.ErrnoException & { rawPacket?: unknown }): boolean {
  return Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
}
