import { isUtf8 } from 'node:buffer';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ADMIN, AGENT, WRONG_SECRET } from '../auth.js';
import type { BodySpec, FormField, Payload } from './bodies.js';
import { jsonBytes, storableTextIsInvalid, type JsonDoc } from './json-text.js';
import type { FuzzRequest } from './request.js';
import { encode, percentEncode } from './url-text.js';
import { CURRENT_REVISION, CURRENT_VERSION } from './values.js';

/** What only exists at run time: the admin session and the CSRF id and tokens the pages handed out. */
export interface FuzzContext {
  /** The admin session cookie's value. */
  session: string;
  /** The CSRF id cookie's value. */
  csrfId: string;
  /** The form token for that id without a session, and with the session. */
  csrfTokens: { anonymous: string; session: string };
}

/** A request as bytes and headers, ready to send. */
export interface WireRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: Buffer;
  /** The body carries text a write could store that is not well-formed Unicode (bytes that are not UTF-8, lone surrogates). */
  invalidUnicode: boolean;
  streamClose: FuzzRequest['streamClose'];
  rawHeader?: string;
}

/** The store as the request is sent: the revision, and the version of each live prompt. */
export interface Now {
  revision: number;
  versions: ReadonlyMap<string, number>;
}

export function toWire(req: FuzzRequest, ctx: FuzzContext, now: Now): WireRequest {
  const current = currentOf(req.path, now);
  const sendsSession = req.auth === 'session';
  const headers: [string, string][] = [];
  const authorization = authorizationOf(req.auth);
  if (authorization !== undefined) headers.push(['Authorization', authorization]);
  const cookies = cookiesOf(req, ctx);
  const extraCookies = req.headers.filter(([n]) => n.toLowerCase() === 'cookie').map(([, v]) => v);
  if (cookies.length + extraCookies.length > 0) headers.push(['Cookie', [...cookies, ...extraCookies].join('; ')]);
  headers.push(...req.headers.filter(([n]) => n.toLowerCase() !== 'cookie').map(([n, v]): [string, string] => [n, current(v, true)]));
  const wire: WireRequest = { method: req.method, path: req.path, headers, invalidUnicode: false, streamClose: req.streamClose };
  if (req.rawHeader !== undefined) wire.rawHeader = req.rawHeader;
  if (!req.body) return wire;
  const tokens = {
    valid: sendsSession ? ctx.csrfTokens.session : ctx.csrfTokens.anonymous,
    other: sendsSession ? ctx.csrfTokens.anonymous : ctx.csrfTokens.session,
  };
  const { bytes, invalidUnicode } = payloadBytes(req.body.payload, tokens, current);
  wire.invalidUnicode = invalidUnicode;
  wire.body = encodeBody(req.body, Buffer.concat([Buffer.alloc(req.body.padding ?? 0, ' '), bytes]));
  const type = req.body.contentType === undefined ? typeOf(req.body.payload) : req.body.contentType;
  if (type !== null) headers.push(['Content-Type', type]);
  if (req.body.contentEncoding) headers.push(['Content-Encoding', req.body.contentEncoding.replace('-lie', '')]);
  return wire;
}

type Current = (value: string, quoted?: boolean) => string;

/** Fills in CURRENT_VERSION (of the prompt the path names; 1 if it has none) and CURRENT_REVISION. */
function currentOf(path: string, now: Now): Current {
  const segment = /^\/(?:api\/)?prompts\/([^/?]+)/.exec(path)?.[1];
  let key = '';
  try {
    key = decodeURIComponent(segment ?? '');
  } catch {
    // Not a key any prompt has.
  }
  const version = String(now.versions.get(key) ?? 1);
  return (value, quoted = false) => {
    const n = value === CURRENT_VERSION ? version : value === CURRENT_REVISION ? String(now.revision) : undefined;
    return n === undefined ? value : quoted ? `"${n}"` : n;
  };
}

/** CURRENT_VERSION in a JSON body's fields stands for a number. */
function resolveDoc(doc: JsonDoc, current: Current): JsonDoc {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('entries' in doc)) return doc;
  return { entries: doc.entries.map(([k, v]): [string, JsonDoc] => [k, typeof v === 'string' && current(v) !== v ? Number(current(v)) : v]) };
}

function authorizationOf(auth: FuzzRequest['auth']): string | undefined {
  if (typeof auth === 'object') return auth.authorization;
  if (auth === 'admin') return `Bearer ${ADMIN.secret}`;
  if (auth === 'agent') return `Bearer ${AGENT.secret}`;
  return auth === 'wrong-token' ? `Bearer ${WRONG_SECRET}` : undefined;
}

function cookiesOf(req: FuzzRequest, ctx: FuzzContext): string[] {
  const cookies: string[] = [];
  if (req.csrfCookie === 'mine') cookies.push(`promptcast_csrf=${ctx.csrfId}`);
  if (req.csrfCookie === 'garbage') cookies.push('promptcast_csrf=%E0%A4%A;x');
  if (req.auth === 'session') cookies.push(`promptcast_session=${ctx.session}`);
  // The same session with its signature's last character changed.
  if (req.auth === 'forged-session') cookies.push(`promptcast_session=${ctx.session.slice(0, -1)}${ctx.session.endsWith('A') ? 'B' : 'A'}`);
  return cookies;
}

function payloadBytes(payload: Payload, tokens: { valid: string; other: string }, current: Current): { bytes: Buffer; invalidUnicode: boolean } {
  switch (payload.kind) {
    case 'json': {
      const whole = jsonBytes(resolveDoc(payload.doc, current));
      const bytes =
        payload.cut === undefined ? whole : Buffer.concat([whole.subarray(0, payload.cut % (whole.length + 1)), Buffer.from(payload.tail ?? '')]);
      return { bytes, invalidUnicode: storableTextIsInvalid(payload.doc) };
    }
    case 'form': {
      const fields = formFieldsText(payload.fields, tokens, current);
      const invalidUnicode = fields.some(([name, value]) => name !== '_csrf' && !isUtf8(percentDecoded(Buffer.from(value, 'latin1'))));
      return { bytes: Buffer.from(fields.map(([name, value]) => `${name}=${value}`).join('&'), 'latin1'), invalidUnicode };
    }
    case 'bytes': {
      const bytes = Buffer.from(payload.bytes);
      return { bytes, invalidUnicode: !isUtf8(bytes) };
    }
    case 'text':
      return { bytes: Buffer.from(payload.text, 'utf8'), invalidUnicode: false };
  }
}

/** Each field's encoded name and value, as they go on the wire. */
function formFieldsText(fields: FormField[], tokens: { valid: string; other: string }, current: Current): [string, string][] {
  return fields.map(([name, value, how, bad]) => {
    const text = typeof value === 'string' ? current(value) : value.csrf === 'valid' ? tokens.valid : tokens.other;
    return [percentEncode(name), encode(text, how, bad)];
  });
}

/** The bytes a form decoder sees once `%XX` escapes are undone. */
function percentDecoded(bytes: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (bytes[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(bytes[i]);
  }
  return Buffer.from(out);
}

function encodeBody(body: BodySpec, bytes: Buffer): Buffer {
  switch (body.contentEncoding) {
    case 'gzip':
      return gzipSync(bytes);
    case 'deflate':
      return deflateSync(bytes);
    case 'br':
      return brotliCompressSync(bytes);
    case 'identity':
    case 'gzip-lie':
    case 'x-bogus':
    case undefined:
      return bytes;
  }
}

function typeOf(payload: Payload): string {
  switch (payload.kind) {
    case 'json':
      return 'application/json';
    case 'form':
      return 'application/x-www-form-urlencoded';
    case 'bytes':
      return 'application/octet-stream';
    case 'text':
      return 'text/plain; charset=utf-8';
  }
}

/** The request as one line a person can read in a failure report (bodies cut at 300 bytes). */
export function describeWire(wire: WireRequest): string {
  const headers = wire.headers.map(([n, v]) => `  ${n}: ${JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v)}`);
  const body = wire.body ? `  body (${wire.body.length} bytes): ${JSON.stringify(wire.body.subarray(0, 300).toString('latin1'))}` : '  no body';
  const raw = wire.rawHeader ? [`  raw header line: ${JSON.stringify(wire.rawHeader)}`] : [];
  const path = wire.path.length > 300 ? `${wire.path.slice(0, 300)}…(${wire.path.length})` : wire.path;
  return [`${wire.method} ${path}`, ...headers, ...raw, body].join('\n');
}
