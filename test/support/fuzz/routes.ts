import fc, { type Arbitrary } from 'fast-check';
import { ADMIN, AGENT, WRONG_SECRET } from '../auth.js';
import { cleanFormBody, cleanJsonBody, formBody, jsonBody, type BodySpec, type JsonShape, type Shape } from './bodies.js';
import type { JsonDoc } from './json-text.js';
import { cleanQuery, headerValue, percentEncode, queryString, urlComponent } from './url-text.js';
import {
  anyKey,
  anyText,
  CURRENT_REVISION,
  CURRENT_VERSION,
  etagText,
  FIXTURE_KEYS,
  messageText,
  numberText,
  promptText,
  validKey,
} from './values.js';

/** One route of the HTTP surface as a generated call: its name (for coverage), method, encoded path and query, body, headers. */
export interface RouteCall {
  route: string;
  method: string;
  path: string;
  body?: BodySpec;
  headers: [string, string][];
}

/**
 * How a request is built. `clean`: every part valid (an existing key, known
 * query names with good values, a well-formed body), so writes succeed and
 * bugs behind the validation show; `wild`: any part may be anything.
 */
export type Mode = 'clean' | 'wild';

interface Kit {
  key: Arbitrary<string>;
  /** How many of a route's own headers a request carries at most (a repeated one is a list, or a conflict). */
  maxHeaders: number;
  number: Arbitrary<string>;
  query(params: Record<string, Arbitrary<string>>): Arbitrary<string>;
  json(shape: JsonShape): Arbitrary<BodySpec>;
  form(shape: Shape): Arbitrary<BodySpec>;
  header(name: string, valid: Arbitrary<string>, wild: Arbitrary<string>): Arbitrary<[string, string]>;
}

const pair = (name: string, value: string): [string, string] => [name, headerValue(value)];

const KITS: Record<Mode, Kit> = {
  clean: {
    // Mostly the live prompts, so writes land; sometimes the deleted one, one not created yet, any other.
    key: fc.oneof({ arbitrary: fc.constantFrom('AGENT', 'SESSION'), weight: 6 }, fc.constantFrom(...FIXTURE_KEYS), validKey).map(percentEncode),
    maxHeaders: 1,
    number: fc.constantFrom('1', '2', '3', '4'),
    query: cleanQuery,
    json: cleanJsonBody,
    form: cleanFormBody,
    header: (name, valid) => valid.map((v) => pair(name, v)),
  },
  wild: {
    key: urlComponent(anyKey),
    maxHeaders: 2,
    number: urlComponent(numberText),
    query: queryString,
    json: jsonBody,
    form: formBody,
    header: (name, valid, wild) => fc.oneof({ arbitrary: valid, weight: 3 }, wild).map((v) => pair(name, v)),
  },
};

const names = new Set<string>();

/** Every route the generator covers; a run that never reached one of them did not fuzz the whole surface. */
export const ROUTE_NAMES: ReadonlySet<string> = names;

interface RouteOptions {
  query?: Record<string, Arbitrary<string>>;
  body?: Arbitrary<BodySpec>;
  headers?: Arbitrary<[string, string]>[];
}

/** `name` is "METHOD /path/:param"; the generated call uses that method unless the request overrides it. */
function route(kit: Kit, name: string, path: Arbitrary<string>, options: RouteOptions = {}): Arbitrary<RouteCall> {
  names.add(name);
  const [method] = name.split(' ');
  return fc
    .record({
      path: fc.tuple(path, kit.query(options.query ?? {})).map(([p, q]) => `${p}${q}`),
      body: options.body ? fc.option(options.body, { freq: 12 }) : fc.constant(null),
      headers: options.headers?.length ? fc.array(fc.oneof(...options.headers), { maxLength: kit.maxHeaders }) : fc.constant<[string, string][]>([]),
    })
    .map(({ path: p, body, headers }) => ({ route: name, method, path: p, headers, ...(body ? { body } : {}) }));
}

const small = (max: number) => fc.integer({ min: 1, max }).map(String);
const version = fc.oneof(
  { arbitrary: fc.constant(CURRENT_VERSION), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 2 },
  { arbitrary: fc.constant(99), weight: 1 },
);
const keyList = fc.oneof(
  { arbitrary: fc.array(validKey, { minLength: 1, maxLength: 4 }).map((keys) => keys.join(',')), weight: 12 },
  { arbitrary: fc.constantFrom(' AGENT , SESSION ', 'AGENT,,SESSION', ',', 'AGENT,'), weight: 1 },
  // Around PROMPT_KEY_LIST_MAX_LENGTH (16 KiB) and the URL limit.
  { arbitrary: fc.integer({ min: 1000, max: 3500 }).map((n) => Array.from({ length: n }, (_, i) => `K${i}`).join(',')), weight: 1 },
);
const nextPath = fc.oneof(
  { arbitrary: fc.constantFrom('/', '/prompts/AGENT', '/prompts/new?x=1'), weight: 4 },
  fc.constantFrom('//evil.example', '/\\evil', 'http://evil.example/', ''),
);
const etagOf = (current: string) => fc.oneof({ arbitrary: fc.constant(current), weight: 4 }, fc.constantFrom('*', '"1"', '"2"', '"3"', '"4"'));

const labelName = fc.oneof(
  { arbitrary: fc.constantFrom('production', 'staging', 'canary'), weight: 6 },
  fc.constantFrom('Staging', 'a'.repeat(40), '-x', 'prod uction', ''),
);
const labelList = fc.oneof(
  { arbitrary: fc.array(labelName, { maxLength: 3 }), weight: 6 },
  fc.constant([]),
  fc.array(labelName, { minLength: 17, maxLength: 20 }),
);
const createShape: Shape = { key: validKey, text: promptText, message: messageText };
const updateShape: Shape = { text: promptText, message: messageText };
/** The JSON API's saves also name the labels to move (a list, which forms do not carry). */
const labelled = (shape: Shape): JsonShape => ({ ...shape, labels: labelList });
const reportShape: Shape = {
  agentId: fc.oneof(fc.constantFrom('friday-1', 'friday-2'), fc.stringMatching(/^[a-z0-9][a-z0-9.:@/-]{0,12}$/)),
  revision: fc.oneof(fc.constant(null), fc.nat(30)),
  sessions: fc.nat(5),
  mode: fc.constantFrom('streaming', 'polling', 'offline'),
};
/** Plain JSON as the fuzzer's document form (objects as their entries). */
const asDoc = (value: unknown): JsonDoc =>
  Array.isArray(value)
    ? value.map(asDoc)
    : typeof value === 'object' && value !== null
      ? { entries: Object.entries(value).map(([k, v]): [string, JsonDoc] => [k, asDoc(v)]) }
      : (value as JsonDoc);
const sessionNumber = fc.oneof({ arbitrary: fc.nat(20), weight: 8 }, fc.constantFrom(-1, 0.5, 1e12, 1e300, 2 ** 31));
const sessionTime = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map((ms) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()), weight: 8 },
  fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '9999-12-31T23:59:59.999Z', ''),
);
const receipt = fc.record({
  revision: sessionNumber,
  key: fc.constantFrom('AGENT', 'SESSION', '../x'),
  version: sessionNumber,
  at: sessionTime,
  outcome: fc.constantFrom('applied', 'deferred', 'failed', 'unsupported', 'maybe'),
});
const reportedSession = fc.record({
  sessionId: fc.oneof({ arbitrary: fc.constantFrom('room-1', 'room-2', 'room-3'), weight: 6 }, fc.stringMatching(/^[a-z0-9 ./-]{0,10}$/)),
  startedAt: sessionTime,
  label: labelName,
  prompts: fc.dictionary(fc.constantFrom('AGENT', 'SESSION', 'a b'), sessionNumber, { maxKeys: 2 }),
  rollouts: fc.dictionary(
    fc.constantFrom('AGENT', 'SESSION'),
    fc.record({ rolloutId: fc.constantFrom('r-1', 'r 2'), variant: fc.constantFrom('candidate', 'baseline', 'both') }),
    { maxKeys: 1 },
  ),
  receipts: fc.array(receipt, { maxLength: 3 }),
  metrics: fc.record({
    turns: sessionNumber,
    userInterruptions: sessionNumber,
    agentErrors: sessionNumber,
    durationMs: sessionNumber,
    endReason: fc.constantFrom(null, 'user_hangup', 'hung up'),
    custom: fc.dictionary(fc.constantFrom('resolved', 'score', 'bad-name', '__proto__'), sessionNumber, { maxKeys: 2 }),
  }),
});
const sessionReportShape: JsonShape = {
  agentId: fc.constantFrom('friday-1', 'friday-2', '../x'),
  sessions: fc.array(reportedSession, { minLength: 1, maxLength: 3 }).map(asDoc),
};
const sessionCursor = fc.oneof(
  fc.constantFrom('2026-01-01T00:00:00.000Z|room-1', '2026-01-01|room 1').map((c) => Buffer.from(c).toString('base64url')),
  fc.constantFrom('abc', '!!', ''),
);
const loginShape: Shape = { token: fc.constantFrom(ADMIN.secret, AGENT.secret, WRONG_SECRET, '', 'x'.repeat(1025)), next: nextPath };

/** The JSON API, the stream and the probes (docs/architecture.md, "HTTP surface"). */
function api(kit: Kit): Arbitrary<RouteCall>[] {
  const at = (template: (k: string) => string) => kit.key.map(template);
  const ifMatch = kit.header('If-Match', etagOf(CURRENT_VERSION), etagText);
  const ifNoneMatch = kit.header('If-None-Match', etagOf(CURRENT_VERSION), etagText);
  return [
    route(kit, 'GET /api/prompts', fc.constant('/api/prompts'), {
      query: { format: fc.constantFrom('full', 'flat'), keys: keyList, label: labelName },
      headers: [kit.header('If-None-Match', etagOf(CURRENT_REVISION), etagText)],
    }),
    route(kit, 'POST /api/prompts', fc.constant('/api/prompts'), { body: kit.json(labelled(createShape)) }),
    route(
      kit,
      'GET /api/prompts/:key',
      at((k) => `/api/prompts/${k}`),
      { query: { label: labelName }, headers: [ifNoneMatch] },
    ),
    route(
      kit,
      'GET /api/prompts/:key/labels',
      at((k) => `/api/prompts/${k}/labels`),
    ),
    route(
      kit,
      'PUT /api/prompts/:key/labels/:label',
      fc.tuple(kit.key, labelName).map(([k, l]) => `/api/prompts/${k}/labels/${encodeURIComponent(l)}`),
      { body: kit.json({ version, message: messageText }), headers: [ifMatch] },
    ),
    route(
      kit,
      'DELETE /api/prompts/:key/labels/:label',
      fc.tuple(kit.key, labelName).map(([k, l]) => `/api/prompts/${k}/labels/${encodeURIComponent(l)}`),
      { headers: [ifMatch] },
    ),
    route(
      kit,
      'PUT /api/prompts/:key',
      at((k) => `/api/prompts/${k}`),
      { body: kit.json(labelled(updateShape)), headers: [ifMatch] },
    ),
    route(
      kit,
      'DELETE /api/prompts/:key',
      at((k) => `/api/prompts/${k}`),
      { headers: [ifMatch] },
    ),
    route(
      kit,
      'GET /api/prompts/:key/versions',
      at((k) => `/api/prompts/${k}/versions`),
      { query: { limit: small(100), before: small(5) } },
    ),
    route(
      kit,
      'GET /api/prompts/:key/versions/:n',
      fc.tuple(kit.key, kit.number).map(([k, n]) => `/api/prompts/${k}/versions/${n}`),
    ),
    route(
      kit,
      'POST /api/prompts/:key/rollback',
      at((k) => `/api/prompts/${k}/rollback`),
      { body: kit.json({ version, message: messageText }) },
    ),
    route(kit, 'GET /api/prompts/stream', fc.constant('/api/prompts/stream'), {
      query: { keys: keyList, label: labelName, agent: fc.constantFrom('friday-1', 'promptcast-admin-ui'), lastEventId: small(30) },
      headers: [
        kit.header('Last-Event-ID', fc.oneof(small(30), fc.constant(CURRENT_REVISION)), fc.oneof(numberText, anyText)),
        kit.header('X-Agent-Id', fc.constant('friday-1'), anyText),
      ],
    }),
    route(kit, 'GET /api/audit', fc.constant('/api/audit'), {
      query: { limit: small(500), before: small(30), key: validKey, author: fc.constantFrom('ops', 'anonymous', 'friday') },
    }),
    route(kit, 'POST /api/agents/report', fc.constant('/api/agents/report'), { body: kit.json(reportShape) }),
    route(kit, 'GET /api/agents', fc.constant('/api/agents')),
    route(kit, 'POST /api/sessions/report', fc.constant('/api/sessions/report'), { body: kit.json(sessionReportShape) }),
    route(kit, 'GET /api/sessions', fc.constant('/api/sessions'), {
      query: { key: validKey, version: small(4), label: labelName, limit: small(100), before: sessionCursor },
    }),
    route(
      kit,
      'GET /api/sessions/:id',
      fc.constantFrom('room-1', 'room-2', 'room%2F1', 'room%201', '-x', 'r'.repeat(130)).map((id) => `/api/sessions/${id}`),
    ),
    route(kit, 'GET /api/admin/export', fc.constant('/api/admin/export')),
    route(kit, 'POST /api/admin/import', fc.constant('/api/admin/import'), {
      query: { merge: fc.constantFrom('true', 'false') },
      // Sent as NDJSON too, so the line reader and the record checks see it, not only the content-type check.
      body: fc.oneof(
        kit.json({ type: fc.constantFrom('meta', 'key', 'version', 'label', 'audit', 'end'), key: validKey, revision: small(30) }),
        kit
          .json({ type: fc.constantFrom('meta', 'end'), format: fc.constant('promptcast-backup') })
          .map((b) => ({ ...b, contentType: 'application/x-ndjson' })),
      ),
    }),
    route(kit, 'GET /health', fc.constantFrom('/health', '/health/ready', '/metrics', '/api/docs', '/api/docs-json')),
  ];
}

/** The admin UI: its pages and its forms, with and without the CSRF token. */
function adminUi(kit: Kit): Arbitrary<RouteCall>[] {
  const at = (template: (k: string) => string) => kit.key.map(template);
  const notice = { saved: small(5), deleted: validKey };
  return [
    route(kit, 'GET /', fc.constant('/'), { query: notice }),
    route(kit, 'GET /prompts/new', fc.constant('/prompts/new')),
    route(
      kit,
      'GET /prompts/:key',
      at((k) => `/prompts/${k}`),
      { query: notice },
    ),
    route(
      kit,
      'GET /prompts/:key/history',
      at((k) => `/prompts/${k}/history`),
      { query: { before: small(5) } },
    ),
    route(
      kit,
      'GET /prompts/:key/diff',
      at((k) => `/prompts/${k}/diff`),
      { query: { from: small(4), to: small(4) } },
    ),
    route(
      kit,
      'GET /prompts/:key/rollback',
      at((k) => `/prompts/${k}/rollback`),
      { query: { version: small(4) } },
    ),
    route(
      kit,
      'GET /prompts/:key/delete',
      at((k) => `/prompts/${k}/delete`),
    ),
    route(kit, 'GET /login', fc.constant('/login'), { query: { next: nextPath } }),
    route(kit, 'POST /prompts', fc.constant('/prompts'), { body: kit.form(createShape) }),
    route(
      kit,
      'POST /prompts/:key',
      at((k) => `/prompts/${k}`),
      { body: kit.form({ ...updateShape, version }) },
    ),
    route(
      kit,
      'POST /prompts/:key/rollback',
      at((k) => `/prompts/${k}/rollback`),
      { body: kit.form({ version, message: messageText }) },
    ),
    route(
      kit,
      'POST /prompts/:key/delete',
      at((k) => `/prompts/${k}/delete`),
      { body: kit.form({ version }) },
    ),
    route(kit, 'POST /login', fc.constant('/login'), { body: kit.form(loginShape) }),
    route(kit, 'POST /logout', fc.constant('/logout'), { body: kit.form({}) }),
  ];
}

/** Paths no route owns, or owns only after normalising: traversal, doubled slashes, case, trailing slashes, assets. */
function oddPaths(kit: Kit): Arbitrary<RouteCall> {
  return route(
    kit,
    'GET (odd path)',
    fc.constantFrom(
      ...['/assets/app.css', '/assets/js/main.js', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json'],
      ...['/%2e%2e/%2e%2e/etc/passwd', '/api', '/api/', '/api/nope', '/API/PROMPTS', '/api/prompts/', '/api/prompts//AGENT'],
      ...['/api/prompts/AGENT/', '/api/prompts/stream/', '/api/prompts/AGENT/versions/1/x', '//api/prompts', '/favicon.ico', '*'],
    ),
  );
}

/** Every route of the surface built the `mode` way: the JSON API, the admin UI, odd paths. */
export function surface(mode: Mode): { api: Arbitrary<RouteCall>; adminUi: Arbitrary<RouteCall>; odd: Arbitrary<RouteCall> } {
  const kit = KITS[mode];
  return { api: fc.oneof(...api(kit)), adminUi: fc.oneof(...adminUi(kit)), odd: oddPaths(kit) };
}
