import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { WireRequest } from './wire.js';

/** What came back. A stream is cut short on purpose: its body holds what arrived before the client hung up. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  stream: boolean;
}

/** Bodies are read this far; nothing the server sends legitimately is bigger, and a bigger one is not the point. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Sends one request on a connection of its own and reads the answer. An
 * event stream is closed after its headers or its first event; no answer
 * within `timeoutMs` rejects (a hang is a finding), and so does a
 * connection the server drops without answering.
 */
export function send(base: URL, wire: WireRequest, timeoutMs: number): Promise<Answer> {
  if (wire.rawHeader !== undefined) return sendRaw(base, wire, timeoutMs);
  return new Promise((resolve, reject) => {
    const hasHost = wire.headers.some(([n]) => n.toLowerCase() === 'host');
    const req = request({ host: base.hostname, port: base.port, method: wire.method, path: wire.path, agent: false, setHost: !hasHost });
    const grouped = new Map<string, string[]>();
    for (const [name, value] of wire.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0] : values);
    // Node's client sends a GET, DELETE or OPTIONS body with neither Content-Length nor chunking, which the server reads as a second request.
    if (wire.body) req.setHeader('Content-Length', wire.body.length);
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (answer: Answer) => {
      clearTimeout(timer);
      req.destroy();
      resolve(answer);
    };
    req.on('response', (res) => read(res, wire, done));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`the connection failed before an answer: ${err.code ?? err.message}`));
    });
    req.end(wire.body);
  });
}

function read(res: IncomingMessage, wire: WireRequest, done: (a: Answer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = /^text\/event-stream/.test(res.headers['content-type'] ?? '');
  const answer = () => ({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), stream });
  if (stream && wire.streamClose === 'headers') return done(answer());
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    // An SSE event ends at a blank line after its data line; the retry hint before it has none.
    if (size > MAX_BODY_BYTES || (stream && /\ndata:[^\n]*\n\n/.test(`\n${Buffer.concat(chunks).toString('utf8')}`))) done(answer());
  });
  res.on('end', () => done(answer()));
  res.on('error', () => done(answer()));
}

/** A request Node's client will not send (a control character in a header), written byte for byte; the answer is read to the end. */
function sendRaw(base: URL, wire: WireRequest, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const head = [`${wire.method} ${wire.path} HTTP/1.1`, `Host: ${base.host}`, wire.rawHeader, 'Connection: close', '', ''].join('\r\n');
    const socket = connect(Number(base.port), base.hostname, () => socket.end(Buffer.from(head, 'latin1')));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      if (!status) return reject(new Error(`the connection closed without an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      resolve(parseRaw(Number(status), text));
    });
  });
}

function parseRaw(status: number, text: string): Answer {
  const split = text.indexOf('\r\n\r\n');
  const headers: IncomingHttpHeaders = {};
  for (const line of text.slice(0, split).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: Buffer.from(split >= 0 ? text.slice(split + 4) : '', 'latin1'), stream: false };
}
