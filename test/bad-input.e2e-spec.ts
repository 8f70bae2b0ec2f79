import { connect } from 'node:net';
import request from 'supertest';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { openStream } from './support/sse.js';

// Small, so "over the limit" bodies stay small too; the JSON body limit is 6x this + 64 KiB.
const MAX_BYTES = 64;
const EMOJI = '\u{1F399}'; // 4 UTF-8 bytes, a surrogate pair in JSON

interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  /** A raw string is sent as is (with `type`); anything else as JSON. */
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
}

const json = (name: string, method: Case['method'], path: string, body: unknown): Case => ({ name, method, path, body });

const BODIES: [string, unknown][] = [
  ['an array', [{ key: 'X', text: 'x' }]],
  ['null', null],
  ['a number', 42],
  ['a string', 'text'],
  ['true', true],
  ['an empty object', {}],
  ['text as a number', { key: 'X', text: 1 }],
  ['text as null', { key: 'X', text: null }],
  ['text as an array', { key: 'X', text: ['a'] }],
  ['text as an object', { key: 'X', text: { a: 1 } }],
  ['a blank text', { key: 'X', text: '  \n\t ' }],
  ['a lone high surrogate', { key: 'X', text: 'a\ud800b' }],
  ['a lone low surrogate', { key: 'X', text: '\udc00' }],
  ['NUL in the text', { key: 'X', text: 'a\u0000b' }],
  ['NUL in the message', { key: 'X', text: 'a', message: 'm\u0000' }],
  ['4-byte emoji one past the limit', { key: 'X', text: EMOJI.repeat(MAX_BYTES / 4 + 1) }],
  ['a message too long', { key: 'X', text: 'a', message: 'm'.repeat(501) }],
  ['a message as a number', { key: 'X', text: 'a', message: 7 }],
  ['an unknown field', { key: 'X', text: 'a', admin: true }],
  ['fields only in __proto__', JSON.parse('{"__proto__":{"key":"X","text":"b"}}')],
];

const KEYS = [
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '..',
  'A%2FB',
  'A%00B',
  '%ZZ',
  "A'%3B%20DROP%20TABLE%20prompts%3B--",
  'A%22%20OR%201%3D1',
  '%E2%80%AEREVERSED',
  'A%C0%AF',
  'stream%00',
  `${'K'.repeat(200)}`,
  '1ABC',
  '_A',
  'A%20B',
  '%F0%9F%8E%99',
];

/** Small import limits, so over-the-limit bodies stay small; the line limit (6 × 64 + 64 KiB) still fits under the body limit. */
const IMPORT_MAX_BYTES = 100_000;
const IMPORT_MAX_RECORDS = 5;
const META = '{"type":"meta","format":"promptcast-backup","formatVersion":1,"revision":0,"exportedAt":"2026-01-01T00:00:00.000Z"}';
const ndjson = (name: string, body: string, path = '/api/admin/import'): Case => ({
  name: `POST ${path} with ${name}`,
  method: 'post',
  path,
  body,
  type: 'application/x-ndjson',
});
const VERSION = (text: string) =>
  JSON.stringify({
    type: 'version',
    key: 'I',
    version: 1,
    text,
    author: 'a',
    message: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    revision: 1,
    variables: {},
    checks: null,
  });

/** The import route's corpus (docs/cli.md#export-and-import): each refused with a 4xx that names what is wrong. */
const IMPORT_CASES: Case[] = [
  ndjson('a line that is not JSON', 'hello\n'),
  ndjson('a first line that is not meta', '{"type":"key","key":"I","head":1,"deleted":false}\n'),
  ndjson('an unknown record type', `${META}\n{"type":"session"}\n{"type":"end","records":1}\n`),
  ndjson('a rollout record with no fields', `${META}\n{"type":"rollout"}\n{"type":"end","records":1}\n`),
  ndjson('a format version this server does not read', `${META.replace('"formatVersion":1', '"formatVersion":3')}\n{"type":"end","records":0}\n`),
  ndjson('a cut-off file (no end record)', `${META}\n`),
  ndjson('an end count that is wrong', `${META}\n{"type":"end","records":3}\n`),
  ndjson('a record after the end', `${META}\n{"type":"end","records":0}\n${META}\n`),
  ndjson('a second meta', `${META}\n${META}\n{"type":"end","records":0}\n`),
  ndjson('a version of a key with no key record', `${META}\n${VERSION('x')}\n{"type":"end","records":1}\n`),
  ndjson('a version with a NUL in its text', `${META}\n${VERSION('a\u0000b')}\n{"type":"end","records":1}\n`),
  ndjson('a text over PROMPT_MAX_BYTES', `${META}\n${VERSION('x'.repeat(MAX_BYTES + 1))}\n{"type":"end","records":1}\n`),
  ndjson('a timestamp that is not ISO', META.replace('2026-01-01T00:00:00.000Z', 'yesterday') + '\n{"type":"end","records":0}\n'),
  ndjson('a line nested 5000 deep', `${META}\n${'['.repeat(5000)}${']'.repeat(5000)}\n`),
  ndjson('a line over the line limit', `${META}\n"${'x'.repeat(6 * MAX_BYTES + 64 * 1024)}"\n`),
  ndjson('more records than IMPORT_MAX_RECORDS', `${META}\n${'{"type":"end","records":0}\n'.repeat(IMPORT_MAX_RECORDS)}`),
  ndjson('a body over IMPORT_MAX_BYTES', `${META}\n${' '.repeat(IMPORT_MAX_BYTES)}\n`),
  // A well-formed export of an empty store: refused because this store is not empty (409), nothing written.
  ndjson('a valid file into a store that is not empty', `${META}\n{"type":"end","records":0}\n`),
  ndjson('merge=maybe', `${META}\n{"type":"end","records":0}\n`, '/api/admin/import?merge=maybe'),
  ndjson('an unknown query parameter', `${META}\n{"type":"end","records":0}\n`, '/api/admin/import?force=1'),
  { name: 'POST /api/admin/import with a JSON body', method: 'post', path: '/api/admin/import', body: { type: 'meta' } },
  { name: 'POST /api/admin/import with no body', method: 'post', path: '/api/admin/import' },
];

const CASES: Case[] = [
  ...IMPORT_CASES,
  ...BODIES.map(([name, body]) => json(`POST /api/prompts with ${name}`, 'post', '/api/prompts', body)),
  ...BODIES.map(([name, body]) => json(`PUT /api/prompts/BAD with ${name}`, 'put', '/api/prompts/BAD', body)),
  ...[
    ['a key with SQL metacharacters', "A'; DROP TABLE prompts; --"],
    ['a key with ../', '../etc'],
    ['a key with a slash', 'A/B'],
    ['an RTL-marked key', '\u202eA'],
    ['a key with NUL', 'A\u0000'],
    ['an emoji key', EMOJI],
    ['a key of 129 chars', `A${'b'.repeat(128)}`],
    ['the key "stream"', 'STREAM'],
    ['a numeric key', 7],
    ['an array key', ['A']],
  ].map(([name, key]) => json(`POST /api/prompts with ${name as string}`, 'post', '/api/prompts', { key, text: 'x' })),
  { name: 'POST /api/prompts with JSON nested 5000 deep', method: 'post', path: '/api/prompts', body: deep(5000), type: 'application/json' },
  { name: 'PUT /api/prompts/BAD with JSON nested 5000 deep', method: 'put', path: '/api/prompts/BAD', body: deep(5000), type: 'application/json' },
  ...['__proto__', 'constructor', 'prototype'].map((prop): Case => ({
    name: `PUT /api/prompts/BAD with a "${prop}" property`,
    method: 'put',
    path: '/api/prompts/BAD',
    body: `{"text":"x","${prop}":{"admin":true}}`,
    type: 'application/json',
  })),
  json('POST /api/prompts for a key that exists', 'post', '/api/prompts', { key: 'BAD', text: 'x' }),
  {
    name: 'POST /api/prompts over the body limit',
    method: 'post',
    path: '/api/prompts',
    body: JSON.stringify({ key: 'X', text: 'x'.repeat(MAX_BYTES * 6 + 70_000) }),
    type: 'application/json',
  },
  { name: 'POST /api/prompts with malformed JSON', method: 'post', path: '/api/prompts', body: '{"key": "X", "text": ', type: 'application/json' },
  {
    name: 'POST /api/prompts with a form body',
    method: 'post',
    path: '/api/prompts',
    body: 'key=X&text=x',
    type: 'application/x-www-form-urlencoded',
  },
  { name: 'POST /api/prompts with text/plain', method: 'post', path: '/api/prompts', body: '{"key":"X","text":"x"}', type: 'text/plain' },
  {
    name: 'POST /api/prompts in latin1',
    method: 'post',
    path: '/api/prompts',
    body: '{"key":"X","text":"x"}',
    type: 'application/json; charset=latin1',
  },
  {
    name: 'POST /api/prompts gzip-encoded garbage',
    method: 'post',
    path: '/api/prompts',
    body: 'not gzip',
    type: 'application/json',
    headers: { 'Content-Encoding': 'gzip' },
  },
  ...['abc', '"1"x', '1,2', '-1', '"99999999999999999999"', 'W/"', '\u00e9'].flatMap((ifMatch) => [
    { name: `PUT with If-Match ${ifMatch}`, method: 'put' as const, path: '/api/prompts/BAD', body: { text: 'x' }, headers: { 'If-Match': ifMatch } },
    { name: `DELETE with If-Match ${ifMatch}`, method: 'delete' as const, path: '/api/prompts/BAD', headers: { 'If-Match': ifMatch } },
  ]),
  { name: 'PUT with a stale If-Match', method: 'put', path: '/api/prompts/BAD', body: { text: 'x' }, headers: { 'If-Match': '"99"' } },
  ...KEYS.flatMap((key) => [
    { name: `GET /api/prompts/${key}`, method: 'get' as const, path: `/api/prompts/${key}` },
    { name: `PUT /api/prompts/${key}`, method: 'put' as const, path: `/api/prompts/${key}`, body: { text: 'x' } },
    { name: `DELETE /api/prompts/${key}`, method: 'delete' as const, path: `/api/prompts/${key}` },
    { name: `GET /api/prompts/${key}/versions`, method: 'get' as const, path: `/api/prompts/${key}/versions` },
    { name: `POST /api/prompts/${key}/rollback`, method: 'post' as const, path: `/api/prompts/${key}/rollback`, body: { version: 1 } },
  ]),
  ...[0, -1, 1.5, '1', 'abc', null, [1], { v: 1 }].map((version) =>
    json(`POST rollback to version ${JSON.stringify(version)}`, 'post', '/api/prompts/BAD/rollback', { version }),
  ),
  // As raw JSON, so the number reaches the server as written: as JavaScript literals, 1e309 is Infinity (which
  // JSON.stringify sends as null) and 99999999999999999999 is rounded before it is sent.
  ...['1e309', '99999999999999999999'].map((version): Case => ({
    name: `POST rollback to version ${version}`,
    method: 'post',
    path: '/api/prompts/BAD/rollback',
    body: `{"version":${version}}`,
    type: 'application/json',
  })),
  json('POST rollback to a version that does not exist', 'post', '/api/prompts/BAD/rollback', { version: 99 }),
  // Rollouts (docs/rollouts.md): every field bounded, every refusal a 4xx that writes nothing.
  ...[0, -1, 100.01, 12.345, '10', null, [10], Number.MAX_VALUE].map((percent) =>
    json(`POST a rollout at percent ${JSON.stringify(percent)}`, 'post', '/api/prompts/BAD/rollouts', { version: 1, percent }),
  ),
  ...(
    [
      ['an unknown metric', { metric: 'latency', maxIncrease: 0.05, minSessions: 50 }],
      ['a custom metric with a bad name', { metric: 'custom:no spaces', maxIncrease: 0.05, minSessions: 50 }],
      ['maxIncrease above 1', { metric: 'errors', maxIncrease: 2, minSessions: 50 }],
      ['minSessions below 10', { metric: 'errors', maxIncrease: 0.05, minSessions: 9 }],
      ['minSessions not an integer', { metric: 'errors', maxIncrease: 0.05, minSessions: 10.5 }],
      ['an extra field', { metric: 'errors', maxIncrease: 0.05, minSessions: 50, after: 'never' }],
      ['a string', 'errors'],
      ['an array', [1]],
    ] as [string, unknown][]
  ).map(([name, guard]) => json(`POST a rollout with a guard of ${name}`, 'post', '/api/prompts/BAD/rollouts', { version: 1, percent: 10, guard })),
  json('POST a rollout with apply "soon"', 'post', '/api/prompts/BAD/rollouts', { version: 1, percent: 10, apply: 'soon' }),
  json('POST a rollout of a label that is not a label', 'post', '/api/prompts/BAD/rollouts', { version: 1, percent: 10, label: 'Prod' }),
  json('POST a rollout of the version the label serves', 'post', '/api/prompts/BAD/rollouts', { version: 1, percent: 10 }),
  json('POST a rollout of a version that does not exist', 'post', '/api/prompts/BAD/rollouts', { version: 99, percent: 10 }),
  json('POST a rollout of a key that does not exist', 'post', '/api/prompts/NOPE/rollouts', { version: 1, percent: 10 }),
  json('PATCH a rollout that does not exist', 'patch', '/api/prompts/BAD/rollouts/unknown', { percent: 20 }),
  json('PATCH a rollout id too long', 'patch', `/api/prompts/BAD/rollouts/${'x'.repeat(65)}`, { percent: 20 }),
  json('POST complete of a rollout that does not exist', 'post', '/api/prompts/BAD/rollouts/unknown/complete', {}),
  json('POST abort without a reason', 'post', '/api/prompts/BAD/rollouts/unknown/abort', {}),
  json('POST abort with a blank reason', 'post', '/api/prompts/BAD/rollouts/unknown/abort', { reason: '   ' }),
  { name: 'GET a rollout id with a dot', method: 'get', path: '/api/prompts/BAD/rollouts/a.b' },
  { name: 'GET the rollouts of a key that does not exist', method: 'get', path: '/api/prompts/NOPE/rollouts' },
  json('PUT a label with apply "soon"', 'put', '/api/prompts/BAD/labels/staging', { version: 1, apply: 'soon' }),
  ...['0', 'abc', '-1', '1.5', '99999999999999999999', '1e3', '%00', '1%2F..'].map((n): Case => ({
    name: `GET /api/prompts/BAD/versions/${n}`,
    method: 'get',
    path: `/api/prompts/BAD/versions/${n}`,
  })),
  ...[
    'limit=abc',
    'limit=0',
    'limit=101',
    'limit=1e400',
    'before=-1',
    'before=abc',
    'limit[]=1',
    'limit=1&limit=2',
    'unknown=1',
    '__proto__[x]=1',
  ].map((q): Case => ({ name: `GET versions?${q}`, method: 'get', path: `/api/prompts/BAD/versions?${q}` })),
  ...['format=xml', 'format[]=flat', 'format=flat&format=full', 'unknown=1', 'keys=A,,B', "keys=A'--", 'keys[]=A'].map((q): Case => ({
    name: `GET /api/prompts?${q}`,
    method: 'get',
    path: `/api/prompts?${q}`,
  })),
  ...[
    `keys=${Array.from({ length: 5000 }, (_, i) => `K${i}`).join(',')}`,
    'keys=..%2FA',
    'keys=A,,B',
    "keys=A'--",
    'keys[]=A',
    'keys=%00',
    'agent=' + 'a'.repeat(200),
    'unknown=1',
  ].map((q): Case => ({ name: `GET /api/prompts/stream?${q.slice(0, 40)}`, method: 'get', path: `/api/prompts/stream?${q}` })),
  ...['limit=0', 'limit=501', 'before=0', 'before=abc', 'key=..%2Fx', "key=A'%20OR%201=1", `author=${'a'.repeat(129)}`, 'unknown=1'].map(
    (q): Case => ({ name: `GET /api/audit?${q}`, method: 'get', path: `/api/audit?${q}` }),
  ),
  ...[
    {},
    [],
    null,
    { agentId: '../x', revision: 1, sessions: 0, mode: 'streaming' },
    { agentId: 'a', revision: -1, sessions: 0, mode: 'streaming' },
    { agentId: 'a', revision: 1, sessions: 'x', mode: 'streaming' },
    { agentId: 'a', revision: 1, sessions: 0, mode: 'sleeping' },
  ].map((body, i) => json(`POST /api/agents/report #${i + 1}`, 'post', '/api/agents/report', body)),
];

/** Bytes that are not UTF-8: a byte no UTF-8 has, an overlong "/", a cut-off "€", an encoded surrogate (CESU-8). */
const NOT_UTF8: [string, Buffer][] = [
  ['\\xff', Buffer.from([0xff])],
  ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
  ['a truncated multi-byte sequence', Buffer.from([0xe2, 0x82])],
  ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
];

/** A JSON body of each write route with `bad` inside one of its strings: [route, method, path, body]. */
const WRITES_WITH: [string, Case['method'], string, (bad: Buffer) => Buffer][] = [
  ['POST /api/prompts', 'post', '/api/prompts', (bad) => bytes('{"key":"X","text":"a', bad, 'b"}')],
  ['PUT /api/prompts/BAD', 'put', '/api/prompts/BAD', (bad) => bytes('{"text":"a', bad, 'b"}')],
  ['POST /api/prompts/BAD/rollback', 'post', '/api/prompts/BAD/rollback', (bad) => bytes('{"version":1,"message":"', bad, '"}')],
  ['POST /api/agents/report', 'post', '/api/agents/report', (bad) => bytes('{"agentId":"a', bad, '","revision":1,"sessions":0,"mode":"polling"}')],
];

/** A lone surrogate in `message` of each route that takes one: [route, method, path, body]. */
const LONE_SURROGATE_MESSAGES: [string, Case['method'], string, object][] = [
  ['POST /api/prompts', 'post', '/api/prompts', { key: 'X', text: 'a', message: 'why\ud800' }],
  ['PUT /api/prompts/BAD', 'put', '/api/prompts/BAD', { text: 'a', message: '\udc00why' }],
  ['POST /api/prompts/BAD/rollback', 'post', '/api/prompts/BAD/rollback', { version: 1, message: 'why\ud800' }],
];

/** superagent serialises a Buffer body (as JSON, or as a form); this sends its bytes as they are. */
function sendBytes(req: request.Test, body: Buffer): request.Test {
  return req.serialize((raw: Buffer) => raw as unknown as string).send(body);
}

function bytes(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** `{"text":{"a":{"a":...}}}`, as raw JSON (JSON.stringify itself would overflow building it). */
function deep(depth: number): string {
  return `{"key":"X","text":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}

describe('Bad input at every endpoint', () => {
  let t: TestApp;
  let revision: number;

  beforeAll(async () => {
    t = await startApp({
      env: { PROMPT_MAX_BYTES: String(MAX_BYTES), IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES), IMPORT_MAX_RECORDS: String(IMPORT_MAX_RECORDS) },
    });
    await request(t.url).post('/api/prompts').send({ key: 'BAD', text: 'the only prompt' }).expect(201);
    revision = await currentRevision();
  });
  afterAll(async () => {
    await t.close();
  });

  async function currentRevision(): Promise<number> {
    return (await request(t.url).get('/api/prompts').expect(200)).body.revision as number;
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s → 4xx JSON, nothing written', async (_name, c) => {
    let req = request(t.url)[c.method](c.path).set('Accept', 'application/json');
    for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
    if (c.type) req = req.type(c.type);
    const res = await (c.body === undefined
      ? req
      : req.send(typeof c.body === 'string' && c.type ? c.body : JSON.stringify(c.body)).type(c.type ?? 'application/json'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.any(String) });
    expect(await currentRevision()).toBe(revision);
  });

  it.each(LONE_SURROGATE_MESSAGES)(
    '%s with a lone surrogate in message → 400 naming message, nothing written',
    async (_route, method, path, body) => {
      // JSON.stringify escapes the surrogate ("\ud800"), so the bytes are valid UTF-8 and only the parsed string is not well-formed.
      const res = await request(t.url)[method](path).type('json').send(JSON.stringify(body));
      expect([res.status, res.body]).toEqual([
        400,
        { statusCode: 400, error: 'Bad Request', message: 'message must be well-formed Unicode (it contains a lone surrogate)' },
      ]);
      expect(await currentRevision()).toBe(revision);
    },
  );

  it.each(WRITES_WITH.flatMap(([route, method, path, body]) => NOT_UTF8.map(([name, bad]) => [route, name, method, path, body(bad)] as const)))(
    '%s with %s in a JSON string → 400 "not valid UTF-8", nothing written',
    async (_route, _name, method, path, body) => {
      const res = await sendBytes(request(t.url)[method](path).type('json'), body);
      expect([res.status, res.body]).toEqual([400, { statusCode: 400, error: 'Bad Request', message: 'request body is not valid UTF-8' }]);
      expect(await currentRevision()).toBe(revision);
    },
  );

  it.each([
    ...NOT_UTF8.map(([name, bad]) => [`${name} as raw bytes`, bad] as const),
    ...NOT_UTF8.map(([name, bad]) => [`${name} percent-encoded`, Buffer.from(encodeBytes(bad))] as const),
  ])('an admin form save with %s in the text → 400 "not valid UTF-8", nothing written', async (_name, bad) => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/prompts/BAD');
    const { version } = (await request(t.url).get('/api/prompts/BAD').expect(200)).body as { version: number };
    const res = await browser.postRaw('/prompts/BAD', bytes(`_csrf=${browser.csrfToken}&version=${version}&text=a`, bad, 'b'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('request body is not valid UTF-8');
    expect(await currentRevision()).toBe(revision);
  });

  it('an admin form save with a "%" not followed by two hex digits → 400, nothing written (qs would keep the value undecoded)', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/prompts/BAD');
    const { version } = (await request(t.url).get('/api/prompts/BAD').expect(200)).body as { version: number };
    const res = await browser.postRaw('/prompts/BAD', bytes(`_csrf=${browser.csrfToken}&version=${version}&text=%E2%82%AC%ZZ`));
    expect(res.status).toBe(400);
    expect(res.text).toContain('request body is not a valid form: a &quot;%&quot; not followed by two hex digits');
    expect(await currentRevision()).toBe(revision);
  });

  it('an admin form save whose percent-encoded text is valid UTF-8 still lands (the control for the cases above)', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/prompts/BAD');
    const { version } = (await request(t.url).get('/api/prompts/BAD').expect(200)).body as { version: number };
    const res = await browser.postRaw(
      '/prompts/BAD',
      // label=production: the form's "Save and publish" button (without it the save is a draft, which the read below would not see).
      bytes(`_csrf=${browser.csrfToken}&version=${version}&label=production&text=a${encodeBytes(Buffer.from('\u20ac'))}b`),
    );
    expect(res.status).toBe(303);
    expect((await request(t.url).get('/api/prompts/BAD').expect(200)).body.text).toBe('a\u20acb');
    revision = await currentRevision();
  });

  it.each(['abc', '-1', '1; DROP TABLE changes', '99999999999999999999', '\u00ff\u00fe', ' '])(
    'treats Last-Event-ID %j as absent: a snapshot, nothing written',
    async (lastEventId) => {
      const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: { 'Last-Event-ID': lastEventId } });
      try {
        expect(stream.status).toBe(200);
        const [first] = await stream.changesUntil(1);
        expect(first).toMatchObject({ event: 'snapshot', data: { revision } });
      } finally {
        await stream.close();
      }
      expect(await currentRevision()).toBe(revision);
    },
  );

  it.each([
    ['a CR/LF injected into Last-Event-ID', 'Last-Event-ID: 1\rX-Injected: yes'],
    ['a NUL in If-Match', 'If-Match: "1\u0000"'],
    ['a header without a colon', 'Last-Event-ID 1'],
  ])('answers a request with %s at the HTTP parser with a 400 JSON body', async (_name, header) => {
    const raw = await rawRequest(t.url, `GET /api/prompts/stream HTTP/1.1\r\nHost: x\r\n${header}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect(await currentRevision()).toBe(revision);
  });

  it.each([
    ['an unsatisfiable Range', 'Range', 'bytes=5-1', 416],
    ['an If-Match no asset matches', 'If-Match', '"nope"', 412],
  ])('answers a static asset request with %s with a JSON error labelled as JSON', async (_name, header, value, status) => {
    // Found by test/fuzz.e2e-spec.ts: the asset's text/css type stayed on the JSON error body.
    const res = await request(t.url).get('/assets/app.css').set(header, value).expect(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String) });
  });

  it('answers a HEAD whose URL is too large with a 431 and no body (a body after a HEAD answer breaks the client)', async () => {
    // Found by test/fuzz.e2e-spec.ts: Node's client read the JSON body as a second answer on the connection.
    const raw = await rawRequest(t.url, `HEAD /api/prompts?keys=${'A'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('');
    expect(await currentRevision()).toBe(revision);
  });

  it.each([
    ['GET', '/api/prompts'],
    ['PUT', '/api/prompts/BAD'],
    ['GET', '/'],
  ])('answers %s %s with an Expect the server cannot meet with a 417 JSON body, nothing written', async (method, path) => {
    // Node answers such a request itself, before any route sees it (found by test/fuzz.e2e-spec.ts).
    const raw = await rawRequest(t.url, `${method} ${path} HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 417 /);
    expect(raw).toMatch(/\r\nContent-Type: application\/json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      statusCode: 417,
      error: 'Expectation Failed',
      message: expect.stringContaining('Expect'),
    });
    expect(await currentRevision()).toBe(revision);
  });

  it('keeps the body limit consistent with PROMPT_MAX_BYTES: over the prompt limit 413 naming it, over the body limit 413 naming bytes', async () => {
    const overPrompt = await request(t.url)
      .post('/api/prompts')
      .send({ key: 'BIG', text: 'x'.repeat(MAX_BYTES + 1) })
      .expect(413);
    expect(overPrompt.body.message).toContain('PROMPT_MAX_BYTES');
    // The largest legitimate body (every character escaped as \uXXXX) still reaches the service, which names the prompt limit.
    const escaped = `{"key":"BIG","text":"${'\\u00e9'.repeat(MAX_BYTES + 1)}"}`;
    expect((await request(t.url).post('/api/prompts').type('json').send(escaped).expect(413)).body.message).toContain('PROMPT_MAX_BYTES');
    const overBody = await request(t.url)
      .post('/api/prompts')
      .type('json')
      .send(`{"key":"BIG","text":"${'x'.repeat(MAX_BYTES * 6 + 64 * 1024)}"}`)
      .expect(413);
    expect(overBody.body.message).toBe(`request body is larger than the ${MAX_BYTES * 6 + 64 * 1024} byte limit`);
    expect(await currentRevision()).toBe(revision);
  });

  it('accepts 4-byte emoji exactly at PROMPT_MAX_BYTES (the limit counts UTF-8 bytes)', async () => {
    await request(t.url)
      .put('/api/prompts/BAD')
      .send({ text: EMOJI.repeat(MAX_BYTES / 4) })
      .expect(200);
    revision = await currentRevision();
    expect((await request(t.url).get('/api/prompts/BAD').expect(200)).body.text).toBe(EMOJI.repeat(MAX_BYTES / 4));
  });
});

/** `%XX` for every byte, as a form post carries bytes that are not plain ASCII. */
function encodeBytes(raw: Buffer): string {
  return [...raw].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Sends bytes Node's HTTP client would refuse to send, and reads the whole answer. */
function rawRequest(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(Buffer.from(text, 'latin1')));
    let answer = '';
    socket
      .setEncoding('utf8')
      .on('data', (d: string) => {
        answer += d;
      })
      .on('end', () => resolve(answer))
      .on('error', reject);
  });
}

/** A good session (the control) and bad ones, each sent in a report of its own. */
const CALL = {
  sessionId: 'room-1',
  startedAt: '2026-03-01T10:00:00.000Z',
  label: 'production',
  prompts: { A: 1 },
  receipts: [],
  metrics: { turns: 1, userInterruptions: 0, agentErrors: 0, durationMs: 1000, endReason: null, custom: {} },
};
const RECEIPT = { revision: 1, key: 'A', version: 1, at: '2026-03-01T10:00:01.000Z', outcome: 'applied' };
const withCall = (over: Record<string, unknown>) => ({ agentId: 'friday-1', sessions: [{ ...CALL, ...over }] });
const withMetrics = (over: Record<string, unknown>) => withCall({ metrics: { ...CALL.metrics, ...over } });

const BAD_SESSION_REPORTS: [string, unknown][] = [
  ['an empty object', {}],
  ['no sessions', { agentId: 'friday-1', sessions: [] }],
  ['51 sessions', { agentId: 'friday-1', sessions: Array.from({ length: 51 }, (_, i) => ({ ...CALL, sessionId: `room-${i}` })) }],
  ['one session twice', { agentId: 'friday-1', sessions: [CALL, CALL] }],
  ['a bad agent id', { agentId: '../x', sessions: [CALL] }],
  ['an unknown field', { ...withCall({}), admin: true }],
  ['an unknown session field', withCall({ owner: 'me' })],
  ['a session id with a space', withCall({ sessionId: 'room 1' })],
  ['a session id starting with -', withCall({ sessionId: '-room' })],
  ['a session id of 129 chars', withCall({ sessionId: `r${'x'.repeat(128)}` })],
  ['a session id with SQL', withCall({ sessionId: "r'; DROP TABLE sessions; --" })],
  ['a numeric session id', withCall({ sessionId: 7 })],
  ['a start that is not a time', withCall({ startedAt: 'yesterday' })],
  ['a start two days ahead', withCall({ startedAt: new Date(Date.now() + 2 * 86_400_000).toISOString() })],
  ['a bad label', withCall({ label: 'Prod' })],
  ['a bad prompt key', withCall({ prompts: { '../A': 1 } })],
  ['a version 0', withCall({ prompts: { A: 0 } })],
  ['a version past 32 bits', withCall({ prompts: { A: 2 ** 31 } })],
  ['33 prompt keys', withCall({ prompts: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`K${i}`, 1])) })],
  ['201 receipts', withCall({ receipts: Array.from({ length: 201 }, () => RECEIPT) })],
  ['201 turns', withCall({ turns: Array.from({ length: 201 }, () => ({ at: RECEIPT.at, revision: 1, versions: { A: 1 } })) })],
  ['a receipt with an unknown outcome', withCall({ receipts: [{ ...RECEIPT, outcome: 'maybe' }] })],
  ['a receipt detail of 201 chars', withCall({ receipts: [{ ...RECEIPT, outcome: 'failed', detail: 'd'.repeat(201) }] })],
  ['a receipt with a negative revision', withCall({ receipts: [{ ...RECEIPT, revision: -1 }] })],
  ['a bad rollout variant', withCall({ rollouts: { A: { rolloutId: 'r-1', variant: 'both' } } })],
  ['a bad rollout id', withCall({ rollouts: { A: { rolloutId: 'r 1', variant: 'candidate' } } })],
  ['metrics missing', withCall({ metrics: undefined })],
  ['negative turns', withMetrics({ turns: -1 })],
  ['fractional errors', withMetrics({ agentErrors: 1.5 })],
  ['turns as a string', withMetrics({ turns: '3' })],
  ['a huge duration', withMetrics({ durationMs: 1e15 })],
  ['an end reason with spaces', withMetrics({ endReason: 'hung up' })],
  ['a metric name with a dash', withMetrics({ custom: { 'bad-name': 1 } })],
  ['a metric name starting with a digit', withMetrics({ custom: { '1st': 1 } })],
  ['a metric name of 65 chars', withMetrics({ custom: { [`m${'x'.repeat(64)}`]: 1 } })],
  ['a custom metric as a string', withMetrics({ custom: { resolved: 'yes' } })],
  ['a custom metric as null (NaN on the way in)', withMetrics({ custom: { resolved: null } })],
  ['a huge custom metric', withMetrics({ custom: { resolved: 1e300 } })],
  ['33 custom metrics', withMetrics({ custom: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, 1])) })],
  ['a lone surrogate in a receipt detail', withCall({ receipts: [{ ...RECEIPT, outcome: 'failed', detail: 'x\ud800' }] })],
];

/** As raw JSON: the numbers reach the server as written (JavaScript would turn them into Infinity or round them first). */
const RAW_SESSION_REPORTS: [string, string][] = [
  ['a duration of 1e309', JSON.stringify(withCall({})).replace('"durationMs":1000', '"durationMs":1e309')],
  ['a custom metric of -1e309', JSON.stringify(withMetrics({ custom: { x: 1 } })).replace('"x":1', '"x":-1e309')],
  ['turns of 99999999999999999999', JSON.stringify(withCall({})).replace('"turns":1', '"turns":99999999999999999999')],
  ['a report over the body limit', JSON.stringify(withCall({ receipts: [{ ...RECEIPT, outcome: 'failed', detail: 'd'.repeat(70_000) }] }))],
];

describe('Bad session reports (POST /api/sessions/report)', () => {
  let t: TestApp;
  const stored = async () => (await request(t.url).get('/api/sessions').expect(200)).body.sessions as unknown[];

  beforeAll(async () => {
    t = await startApp({ env: { PROMPT_MAX_BYTES: String(MAX_BYTES) } });
  });
  afterAll(() => t.close());

  it.each([...BAD_SESSION_REPORTS.map(([name, body]) => [name, JSON.stringify(body)] as const), ...RAW_SESSION_REPORTS])(
    '%s → 4xx JSON saying what is wrong, nothing stored',
    async (_name, body) => {
      const res = await request(t.url).post('/api/sessions/report').type('json').send(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.any(String) });
      expect(await stored()).toEqual([]);
    },
  );

  it('names the field that is wrong', async () => {
    const res = await request(t.url)
      .post('/api/sessions/report')
      .send(withCall({ receipts: [RECEIPT, { ...RECEIPT, outcome: 'maybe' }] }))
      .expect(400);
    expect(res.body.message).toBe('sessions[0].receipts[1].outcome must be one of applied, deferred, failed, unsupported');
    const many = await request(t.url)
      .post('/api/sessions/report')
      .send({ agentId: 'friday-1', sessions: Array.from({ length: 51 }, (_, i) => ({ ...CALL, sessionId: `room-${i}` })) })
      .expect(400);
    expect(many.body.message).toBe('sessions has 51 entries; at most 50 are allowed (SESSION_LIMITS)');
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['version=1'],
    ['key=..%2FA'],
    ['key=A&version=0'],
    ['key=A&version=99999999999'],
    ['label=Prod'],
    ['before=abc'],
    ['before=!!'],
    [`before=${Buffer.from('yesterday|room-1').toString('base64url')}`],
    [`before=${Buffer.from('2026-01-01T00:00:00.000Z|bad id').toString('base64url')}`],
    [`before=${'A'.repeat(300)}`],
    ['unknown=1'],
  ])('GET /api/sessions?%s → 400 JSON', async (query) => {
    const res = await request(t.url).get(`/api/sessions?${query}`).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('stores the control report the cases above only alter, with its numbers as sent', async () => {
    await request(t.url)
      .post('/api/sessions/report')
      .send(withMetrics({ durationMs: 1e12, custom: { resolved: -1e12, score: 0.25 } }))
      .expect(204);
    const got = (await request(t.url).get('/api/sessions/room-1').expect(200)).body as { metrics: { durationMs: number; custom: object } };
    expect(got.metrics).toMatchObject({ durationMs: 1e12, custom: { resolved: -1e12, score: 0.25 } });
  });
});
