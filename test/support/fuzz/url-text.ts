import fc, { type Arbitrary } from 'fast-check';
import { anyText, badPercentUtf8, numberText } from './values.js';

/** Percent-encodes the text's UTF-8 as encodeURIComponent does (a lone surrogate becomes U+FFFD's bytes first). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text's UTF-8 bytes as they are, one latin1 character per byte, so `%`,
 * `?`, `&`, `/` and non-ASCII bytes reach the server unescaped. Only what
 * Node's client refuses to put in a request line (controls, space, DEL) is
 * percent-encoded.
 */
export function rawEncode(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\x21-\x7e\x80-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export type Encoding = 'percent' | 'raw' | 'bad-utf8';
export const encoding: Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant<Encoding>('percent'), weight: 30 },
  { arbitrary: fc.constant<Encoding>('raw'), weight: 1 },
  { arbitrary: fc.constant<Encoding>('bad-utf8'), weight: 1 },
);

/** `text` written into a URL or form body the way `how` says; `bad` is the invalid UTF-8 a `bad-utf8` encoding appends. */
export function encode(text: string, how: Encoding, bad: string): string {
  if (how === 'raw') return rawEncode(text);
  return how === 'percent' ? percentEncode(text) : `${percentEncode(text)}${bad}`;
}

/** A path segment or query value from `text`: properly encoded mostly, raw sometimes, or followed by bytes that decode to invalid UTF-8. */
export function urlComponent(text: Arbitrary<string>): Arbitrary<string> {
  return fc.tuple(text, encoding, badPercentUtf8).map(([t, how, bad]) => encode(t, how, bad));
}

/**
 * A query string over a route's parameters: each valid name with a valid
 * value or with anything, repeated names, `name[]=`, prototype names,
 * unknown names and names without `=`.
 */
export function queryString(params: Record<string, Arbitrary<string>>): Arbitrary<string> {
  const names = Object.keys(params);
  const wrong = fc.oneof(numberText, anyText);
  const known = names.map((name) => fc.tuple(fc.constant(name), fc.oneof({ arbitrary: params[name], weight: 6 }, { arbitrary: wrong, weight: 1 })));
  const odd = fc.tuple(
    fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'x', 'token', 'format', 'keys'),
      ...(names.length > 0 ? [fc.constantFrom(...names).chain((n) => fc.constantFrom(`${n}[]`, `${n}[0]`, `__proto__[${n}]`, n.toUpperCase()))] : []),
    ),
    anyText,
  );
  const param = fc.oneof(
    { arbitrary: fc.oneof(...(known.length > 0 ? known : [odd])), weight: known.length > 0 ? 12 : 1 },
    { arbitrary: odd, weight: 1 },
  );
  const rendered = fc
    .tuple(param, encoding, badPercentUtf8, fc.boolean())
    .map(([[name, value], how, bad, withEquals]) =>
      withEquals || value !== '' ? `${percentEncode(name)}=${encode(value, how, bad)}` : percentEncode(name),
    );
  return fc.array(rendered, { maxLength: 3 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

/** A query string a correct client would send: some of the route's parameters, once each, with valid values. */
export function cleanQuery(params: Record<string, Arbitrary<string>>): Arbitrary<string> {
  return fc
    .record(params, { requiredKeys: [] })
    .map((chosen) => Object.entries(chosen).map(([name, value]) => `${name}=${percentEncode(value ?? '')}`))
    .map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

/**
 * A header value as bytes on the wire: the text's UTF-8, one latin1 character
 * per byte, without the controls Node's client refuses to send (the raw
 * socket path sends those).
 */
export function headerValue(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}
