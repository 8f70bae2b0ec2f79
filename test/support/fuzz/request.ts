import fc, { type Arbitrary } from 'fast-check';
import { ADMIN } from '../auth.js';
import { surface, type RouteCall } from './routes.js';
import { headerValue } from './url-text.js';
import { anyText, etagText, numberText } from './values.js';

/** Who the request claims to be: an admin or agent token, the admin session cookie, a forgery, or nobody. */
export type Credential = 'admin' | 'agent' | 'session' | 'forged-session' | 'wrong-token' | 'none' | { authorization: string };

/** One generated request: a route call, perhaps under another method, with a credential and extra headers. */
export interface FuzzRequest extends RouteCall {
  auth: Credential;
  /** The admin UI's CSRF id cookie: the fixture's, none, or junk. */
  csrfCookie: 'mine' | 'none' | 'garbage';
  /** An event stream is closed as soon as its headers arrive, or after its first event. */
  streamClose: 'headers' | 'first-event';
  /** Sent over a raw socket with this header line, which Node's HTTP parser must refuse. */
  rawHeader?: string;
}

const header = (name: string, value: Arbitrary<string>): Arbitrary<[string, string]> => value.map((v): [string, string] => [name, headerValue(v)]);

/** Headers any request may carry on top of its route's own. */
const extraHeader = fc.oneof(
  header(
    'Accept',
    fc.constantFrom('application/json', 'text/html', '*/*', 'text/event-stream', 'text/html;q=0.1, application/json', 'image/png', '', ';;;'),
  ),
  header('If-Match', etagText),
  header('If-None-Match', etagText),
  header('Last-Event-ID', fc.oneof(numberText, anyText)),
  header('X-Agent-Id', anyText),
  header('X-Request-Id', anyText),
  header('Host', fc.constantFrom('evil.example', 'localhost', '127.0.0.1:1', '[::1]', '', 'a'.repeat(300))),
  header('X-Forwarded-For', fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1')),
  header('X-Forwarded-Proto', fc.constant('https')),
  header('Origin', fc.constantFrom('http://evil.example', 'null')),
  header('Range', fc.constantFrom('bytes=0-10', 'bytes=5-1', 'bytes=-1', 'bytes=0-0,2-2,4-4', 'bytes=x')),
  header('Expect', fc.constantFrom('100-continue', 'bogus')),
  header('Cookie', fc.oneof(fc.constantFrom('promptcast_session=a.1.b', 'promptcast_csrf=', '=;=;', '__proto__=1'), anyText)),
  header('Accept-Encoding', fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0')),
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), anyText).map(([n, v]): [string, string] => [n, headerValue(v)]),
);

const anyCredential: Arbitrary<Credential> = fc.oneof(
  { arbitrary: fc.constant<Credential>('admin'), weight: 10 },
  { arbitrary: fc.constant<Credential>('session'), weight: 6 },
  { arbitrary: fc.constantFrom<Credential>('agent', 'forged-session', 'wrong-token', 'none'), weight: 3 },
  {
    arbitrary: fc
      .oneof(fc.constantFrom('Bearer', 'Bearer ', `bearer ${ADMIN.secret}`, `Bearer  ${ADMIN.secret} x`, `Basic ${ADMIN.secret}`), anyText)
      .map((authorization): Credential => ({ authorization: headerValue(authorization) })),
    weight: 1,
  },
);

const anyMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'PURGE');
const badHeaderLine = fc
  .tuple(
    fc.constantFrom('Last-Event-ID', 'If-Match', 'X-Agent-Id', 'Authorization'),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\u0000', '\r', '\u0001', '\u001b'),
  )
  .map(([name, text, bad]) => `${name}: ${text}${bad}${text}`);
const streamClose = fc.constantFrom<'headers' | 'first-event'>('headers', 'first-event');

const clean = surface('clean');
const wild = surface('wild');

/** A request a correct client could send: its route's method, a working credential, the CSRF token, nothing extra. */
const cleanRequest: Arbitrary<FuzzRequest> = fc
  .record({
    call: fc.oneof({ arbitrary: clean.api, weight: 5 }, { arbitrary: clean.adminUi, weight: 4 }),
    auth: fc.oneof(
      { arbitrary: fc.constant<Credential>('admin'), weight: 4 },
      { arbitrary: fc.constantFrom<Credential>('session', 'agent'), weight: 2 },
    ),
    streamClose,
  })
  .map(({ call, ...rest }): FuzzRequest => ({ ...call, ...rest, csrfCookie: 'mine' }));

/** Anything: another method, extra headers, any credential, no or a junk CSRF cookie, a header Node's parser refuses. */
const wildRequest: Arbitrary<FuzzRequest> = fc
  .record({
    call: fc.oneof({ arbitrary: wild.api, weight: 5 }, { arbitrary: wild.adminUi, weight: 4 }, { arbitrary: wild.odd, weight: 1 }),
    method: fc.oneof({ arbitrary: fc.constant(null), weight: 12 }, { arbitrary: anyMethod, weight: 1 }),
    extra: fc.oneof({ arbitrary: fc.constant<[string, string][]>([]), weight: 2 }, fc.array(extraHeader, { minLength: 1, maxLength: 3 })),
    auth: anyCredential,
    csrfCookie: fc.oneof(
      { arbitrary: fc.constant<'mine'>('mine'), weight: 20 },
      { arbitrary: fc.constantFrom<'none' | 'garbage'>('none', 'garbage'), weight: 1 },
    ),
    streamClose,
    rawHeader: fc.oneof({ arbitrary: fc.constant(undefined), weight: 40 }, badHeaderLine),
  })
  .map(({ call, method, extra, rawHeader, ...rest }) => ({
    ...call,
    ...rest,
    method: method ?? call.method,
    headers: [...call.headers, ...extra],
    ...(rawHeader === undefined ? {} : { rawHeader }),
  }));

/** What the fuzzer sends: clean requests (so writes happen and what lies past validation is reached) and wild ones. */
export const fuzzRequest: Arbitrary<FuzzRequest> = fc.oneof({ arbitrary: cleanRequest, weight: 2 }, { arbitrary: wildRequest, weight: 3 });

/**
 * Requests that reach `route`, drawn from the same generator: the sweep that
 * tops up a timed run which never reached a route (a slow machine sends fewer).
 */
export function requestsFor(route: string, seed: number, count: number): FuzzRequest[] {
  return fc.sample(
    fuzzRequest.filter((req) => req.route === route),
    { seed, numRuns: count },
  );
}
