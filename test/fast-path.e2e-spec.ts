import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, bearer, EDITOR, rolesEnv, VIEWER, WRONG_SECRET } from './support/auth.js';
import { parsePrometheus } from './support/prometheus.js';
import { waitFor } from './support/wait-for.js';

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

interface Call {
  method?: 'GET' | 'HEAD' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** The Host header exactly (none when null); the server's own address by default. */
  host?: string | null;
  body?: string;
}

/** Headers a poller or a client's error handling reads; both paths must send the same. */
const COMPARED = ['content-type', 'content-length', 'etag', 'cache-control', 'www-authenticate', 'retry-after', 'x-content-type-options'];

/** One request on a fresh connection, with exactly the Host header asked for. */
function call(url: string, c: Call): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const headers: Record<string, string> = { ...c.headers };
  if (c.host === undefined) headers.Host = `127.0.0.1:${port}`;
  else if (c.host !== null) headers.Host = c.host;
  // Node's client sends no Content-Length with a GET's body by itself: the server would read the body as a next request.
  if (c.body !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(c.body)) });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: c.path, method: c.method ?? 'GET', agent: false, setHost: false, headers });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => {
        const picked: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers)) picked[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers: picked, body });
      });
    });
    req.end(c.body);
  });
}

/** What must be equal on both paths: status, body (the server's own port named PORT) and the compared headers. */
function comparable(a: Answer, port: string): Record<string, unknown> {
  // Error bodies carry Express's weak hash of the body as ETag and a rate limit's seconds left: the shape must agree, not those.
  const same = (text: string | undefined) =>
    text
      ?.replaceAll(port, 'PORT')
      .replace(/^W\/".*"$/, 'W/"hash of the body"')
      .replace(/retry after \d+ s/, 'retry after N s');
  return {
    status: a.status,
    body: same(a.body),
    headers: Object.fromEntries(COMPARED.map((h) => [h, h === 'retry-after' ? a.headers[h]?.replace(/^\d+$/, 'N') : same(a.headers[h])])),
  };
}

/** True when the framework answered: helmet's document headers are on every framework answer and on no fast-path one. */
const viaFramework = (a: Answer): boolean => a.headers['content-security-policy'] !== undefined;

const QUERIES = [
  '',
  '?format=flat',
  '?format=full',
  '?label=staging',
  '?label=production&format=flat',
  '?keys=A',
  '?keys=B,A',
  '?keys=%20A%20,%20B%20&format=flat',
  '?keys=NOPE',
  '?label=nolabel',
  // What the framework refuses or the fast path leaves to it:
  '?keys=1bad',
  '?keys=A,,B',
  `?keys=${'A,'.repeat(9000)}A`,
  '?format=xml',
  '?label=Bad%20Label',
  '?foo=1',
  '?keys=A&keys=B',
  '?keys[]=A',
  '?format',
  '?label=',
];

describe('The fast path answers exactly as the framework route (FAST_PATH=on vs off)', () => {
  let fast: TestApp;
  let framework: TestApp;
  let etag: string;
  let seriesBefore: [Map<string, number>, Map<string, number>];

  beforeAll(async () => {
    fast = await startApp({ env: rolesEnv({ RATE_LIMIT_WRITES_PER_MIN: '40' }) });
    const admin = bearer(ADMIN.secret);
    await request(fast.url).post('/api/prompts').set(admin).send({ key: 'A', text: 'alpha' }).expect(201);
    await request(fast.url)
      .post('/api/prompts')
      .set(admin)
      .send({ key: 'B', text: 'beta', labels: ['production', 'staging'] })
      .expect(201);
    await request(fast.url)
      .put('/api/prompts/A')
      .set(admin)
      .send({ text: 'alpha staged', labels: ['staging'] })
      .expect(200);
    await request(fast.url).put('/api/prompts/B').set(admin).send({ text: 'beta draft', labels: [] }).expect(200);
    // The same data, read through the framework only.
    framework = await startApp({ env: rolesEnv({ FAST_PATH: 'off', RATE_LIMIT_WRITES_PER_MIN: '40' }), store: fast.store });
    etag = (await call(fast.url, { path: '/api/prompts', headers: admin })).headers.etag ?? '';
    expect(etag).toMatch(/^"\d+"$/);
    seriesBefore = [await series(fast), await series(framework)];
  });

  /** The poll's Prometheus series: its answers, and the request durations of its route. */
  async function series(t: TestApp): Promise<Map<string, number>> {
    const samples = parsePrometheus((await request(t.url).get('/metrics').set(bearer(ADMIN.secret)).expect(200)).text);
    return new Map(
      [...samples.entries()].filter(
        ([name]) =>
          name.startsWith('promptcast_poll_responses_total') ||
          (name.startsWith('promptcast_http_request_duration_seconds_count') && name.includes('route="/api/prompts"')),
      ),
    );
  }

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  /** Sends `c` to both servers and expects the same answer; returns both. */
  async function both(c: Call): Promise<[Answer, Answer]> {
    const a = await call(fast.url, c);
    const b = await call(framework.url, c);
    expect({ call: c, ...comparable(a, new URL(fast.url).port) }).toEqual({ call: c, ...comparable(b, new URL(framework.url).port) });
    return [a, b];
  }

  it('gives every caller the same status, error body and headers on both paths', async () => {
    const session = new AdminBrowser(fast.url);
    await session.get('/login');
    expect((await session.post('/login', { token: ADMIN.secret })).status).toBe(303);
    const cookie = `promptcast_session=${session.cookie('promptcast_session') ?? ''}`;
    const callers: Record<string, Record<string, string>> = {
      admin: bearer(ADMIN.secret),
      editor: bearer(EDITOR.secret),
      viewer: bearer(VIEWER.secret),
      agent: bearer(AGENT.secret),
      'admin session cookie': { Cookie: cookie },
      'forged session cookie': { Cookie: cookie.slice(0, -3) + 'AAA' },
      'no credentials': {},
      'unknown token': bearer(WRONG_SECRET),
      'not a bearer header': { Authorization: `Basic ${ADMIN.secret}` },
      'empty bearer': { Authorization: 'Bearer ' },
    };
    const conditions: Record<string, string>[] = [
      {},
      { 'If-None-Match': etag },
      { 'If-None-Match': `W/${etag}` },
      { 'If-None-Match': '"1"' },
      { 'If-None-Match': '*' },
    ];
    let fastAnswers = 0;
    for (const [who, auth] of Object.entries(callers)) {
      for (const method of ['GET', 'HEAD'] as const) {
        for (const condition of conditions) {
          const [a, b] = await both({ method, path: '/api/prompts', headers: { ...auth, ...condition } });
          expect(viaFramework(b)).toBe(true);
          // Every success on the fast server came from the fast path; every refusal from the framework.
          expect({ who, fast: !viaFramework(a) }).toEqual({ who, fast: a.status < 400 });
          if (!viaFramework(a)) fastAnswers++;
        }
      }
    }
    expect(fastAnswers).toBe(5 * 2 * conditions.length);
  });

  it('answers every query the same way on both paths: the same views, the same 400s', async () => {
    for (const query of QUERIES) {
      for (const condition of [{}, { 'If-None-Match': etag }] as Record<string, string>[]) {
        const [a] = await both({ path: `/api/prompts${query}`, headers: { ...bearer(AGENT.secret), ...condition } });
        // 431: a URL over Node's header limit is refused by its parser, before either path.
        if (a.status >= 400 && a.status !== 431) expect(viaFramework(a)).toBe(true);
      }
    }
    // A spelling the router accepts but the fast path does not recognise still gets the framework's answer.
    for (const path of ['/api/prompts/', '/API/prompts', '/api/prompts?', '/api//prompts']) await both({ path, headers: bearer(AGENT.secret) });
    // A GET with a body goes through the framework's body parsers, refusal included.
    await both({ path: '/api/prompts', headers: bearer(AGENT.secret), body: '{"broken' });
    await both({ path: '/api/prompts', headers: { ...bearer(AGENT.secret), 'If-None-Match': `${etag}, junk` } });
  });

  it('counts into the same Prometheus series on both paths', async () => {
    // Both servers have had the same requests since setup (every request above went to both).
    const growth = (now: Map<string, number>, before: Map<string, number>) =>
      [...now.entries()].map(([name, n]) => [name, n - (before.get(name) ?? 0)]).filter(([, n]) => n !== 0);
    // A duration is observed on the response's 'finish', which can come just after the client has read the answer.
    let a: (string | number)[][] = [];
    let b: (string | number)[][] = [];
    await waitFor(async () => {
      a = growth(await series(fast), seriesBefore[0]);
      b = growth(await series(framework), seriesBefore[1]);
      return JSON.stringify(a) === JSON.stringify(b);
    }, 'the same series on both servers').catch(() => undefined);
    expect(a.length).toBeGreaterThan(4);
    expect(a).toEqual(b);
  });

  it('agrees once the writes rate limit is used up, and a poll is never counted against it', async () => {
    for (const t of [fast, framework]) {
      let status = 0;
      for (let i = 0; i < 60 && status !== 429; i++) {
        // A refused body writes nothing, but the limit counts it (the guard runs before the pipes).
        status = (await request(t.url).post('/api/prompts').set(bearer(ADMIN.secret)).send({})).status;
      }
      expect(status).toBe(429);
    }
    const [a, b] = await both({ method: 'POST', path: '/api/prompts', headers: bearer(ADMIN.secret), body: '{}' });
    expect([a.status, b.status]).toEqual([429, 429]);
    for (const condition of [{}, { 'If-None-Match': etag }] as Record<string, string>[]) {
      const [polled] = await both({ path: '/api/prompts?format=flat', headers: { ...bearer(ADMIN.secret), ...condition } });
      expect(polled.status).toBeLessThan(400);
      expect(viaFramework(polled)).toBe(false);
    }
  });
});

describe('The fast path in open mode (no tokens): the same Host rule as every framework route', () => {
  let fast: TestApp;
  let framework: TestApp;

  beforeAll(async () => {
    fast = await startApp();
    await request(fast.url).post('/api/prompts').send({ key: 'A', text: 'alpha' }).expect(201);
    framework = await startApp({ env: { FAST_PATH: 'off' }, store: fast.store });
  });

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  it('refuses a foreign Host with the same 421 on both paths, and answers loopback names', async () => {
    const hosts: (string | null)[] = [
      'evil.example',
      'evil.example:PORT',
      '127.0.0.1:1',
      '127.0.0.1',
      '',
      null,
      'localhost:PORT',
      '[::1]:PORT',
      '127.0.0.1:PORT',
    ];
    for (const host of hosts) {
      for (const path of ['/api/prompts', '/api/prompts?format=flat']) {
        const a = await call(fast.url, { path, host: host?.replace('PORT', new URL(fast.url).port) ?? null });
        const b = await call(framework.url, { path, host: host?.replace('PORT', new URL(framework.url).port) ?? null });
        expect({ host, path, ...comparable(a, new URL(fast.url).port) }).toEqual({ host, path, ...comparable(b, new URL(framework.url).port) });
        const loopback = host !== null && /^(localhost|127\.0\.0\.1|\[::1\]):PORT$/.test(host);
        // No Host at all is refused by Node's parser (HTTP/1.1 requires one), before either path: a bare 400.
        if (host === null) expect(a.status).toBe(400);
        else expect({ host, status: a.status, fast: !viaFramework(a) }).toEqual({ host, status: loopback ? 200 : 421, fast: loopback });
      }
    }
  });
});

describe('Invariant 8 on the fast path: a label view, its ETag and its cached body', () => {
  let t: TestApp;
  const admin = bearer(ADMIN.secret);

  beforeAll(async () => {
    t = await startApp({ env: rolesEnv() });
    await request(t.url).post('/api/prompts').set(admin).send({ key: 'A', text: 'alpha one' }).expect(201);
    await request(t.url)
      .post('/api/prompts')
      .set(admin)
      .send({ key: 'B', text: 'beta one', labels: ['production', 'staging'] })
      .expect(201);
  });

  afterAll(() => t?.close());

  const poll = (path: string, ifNoneMatch?: string) =>
    call(t.url, { path, headers: { ...bearer(AGENT.secret), ...(ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {}) } });

  it("a draft and a move of another label leave production's ETag and body alone; a production change reaches it at once", async () => {
    const before = await poll('/api/prompts');
    const flatBefore = await poll('/api/prompts?format=flat');
    const keyB = await poll('/api/prompts?keys=B');
    expect([before.status, viaFramework(before)]).toEqual([200, false]);
    await request(t.url).put('/api/prompts/A').set(admin).send({ text: 'alpha draft', labels: [] }).expect(200);
    await request(t.url)
      .put('/api/prompts/A')
      .set(admin)
      .send({ text: 'alpha staged', labels: ['staging'] })
      .expect(200);

    const after = await poll('/api/prompts');
    expect([after.status, after.headers.etag, after.body]).toEqual([200, before.headers.etag, before.body]);
    expect((await poll('/api/prompts', before.headers.etag)).status).toBe(304);
    expect((await poll('/api/prompts?format=flat')).body).toBe(flatBefore.body);
    const staging = await poll('/api/prompts?label=staging&format=flat');
    expect(JSON.parse(staging.body)).toEqual({ A: 'alpha staged', B: 'beta one' });
    expect(Number(JSON.parse(before.headers.etag ?? '0'))).toBeLessThan(Number(JSON.parse(staging.headers.etag ?? '0')));

    // Production moves: the cached bodies of its views are not served again.
    await request(t.url).put('/api/prompts/A').set(admin).send({ text: 'alpha two' }).expect(200);
    const moved = await poll('/api/prompts', before.headers.etag);
    expect(moved.status).toBe(200);
    expect(moved.headers.etag).not.toBe(before.headers.etag);
    expect(JSON.parse((await poll('/api/prompts?format=flat')).body)).toEqual({ A: 'alpha two', B: 'beta one' });
    // B's view did not change: same ETag, same body, still a 304 for its holder.
    const keyBAfter = await poll('/api/prompts?keys=B');
    expect([keyBAfter.headers.etag, keyBAfter.body]).toEqual([keyB.headers.etag, keyB.body]);
    expect((await poll('/api/prompts?keys=B', keyB.headers.etag)).status).toBe(304);
  });
});
