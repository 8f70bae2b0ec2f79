import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a socket answered with a closing error may take to read it and hang up before it is destroyed. */
const LINGER_MS = 1000;

/**
 * A complete HTTP/1.1 error response with the usual `{statusCode, error, message}`
 * body, for a socket no route will answer: a request Node's parser rejected, or a
 * connection refused before it reached the parser. It always closes the connection.
 */
export function rawErrorResponse(status: number, message: string, headers: Record<string, string> = {}, head = false): string {
  const error = STATUS_CODES[status] ?? 'Error';
  const body = errorBody(status, message);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  // A HEAD answer carries no body: a client would read it as the start of a second answer.
  return (
    `HTTP/1.1 ${status} ${error}\r\nContent-Type: application/json; charset=utf-8\r\n${extra.join('')}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`
  );
}

/** The usual `{statusCode, error, message}` error body. */
export function errorBody(status: number, message: string): string {
  return JSON.stringify({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
}

/**
 * Writes `response` and half-closes. A client that ignores the close (a slowloris
 * tool keeps its side open) loses the socket after LINGER_MS, so an answered
 * socket never holds a file descriptor for long; an honest client has read the
 * answer and hung up by then. Destroying at once could reset the connection
 * before the answer is read, when request bytes are still unread.
 */
export function answerAndClose(socket: Duplex, response: string): void {
  socket.end(response);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Writes `response` and destroys the socket as soon as it is handed to the
 * kernel: for a refused connection, whose descriptor is what the refusal frees.
 * The client still reads the answer that reached it before the close.
 */
export function answerAndDrop(socket: Duplex, response: string): void {
  socket.end(response, () => socket.destroy());
  // A peer that reads nothing can leave the answer unsent; it loses the socket all the same.
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
