import { createParser } from 'eventsource-parser';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { Metrics } from '../src/metrics/metrics.js';
import { ConnectionRegistry } from '../src/stream/connection-registry.js';
import { StreamHub } from '../src/stream/stream-hub.js';
import type { ConnectionInfo } from '../src/stream/stream-session.js';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, bearer, EDITOR, rolesEnv, VIEWER, WRONG_SECRET } from './support/auth.js';
import { waitFor } from './support/wait-for.js';

/** Log lines the fast server writes (LOG_LEVEL=debug, JSON), to prove which path opened a stream. */
class LogLines extends Writable {
  readonly lines: { msg: string; reqId?: string }[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line) as { msg: string; reqId?: string });
    done();
  }

  openedOnFastPath(reqId: string): boolean {
    return this.lines.some((l) => l.reqId === reqId && l.msg === 'stream opened (fast path)');
  }
}

interface Call {
  method?: 'GET' | 'HEAD';
  path: string;
  headers?: Record<string, string>;
  /** The Host header exactly; the server's own address by default. */
  host?: string;
  body?: string;
}

interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

interface Opened {
  status: number;
  headers: Record<string, string | undefined>;
  /** An error's body; empty for a stream. */
  body: string;
  /** A stream's `retry:` hint came first. */
  retry: boolean;
  /** A stream's events up to and including its first heartbeat (heartbeats start once it is live: the catch-up is all before). */
  events: SseEvent[];
  /** Who the server says is subscribed, read while the stream was live. */
  registered: Omit<ConnectionInfo, 'id' | 'connectedSince'>[];
}

/** What both paths must send alike (helmet skips the stream's path on both, so its CSP is compared, not used as a marker). */
const COMPARED = [
  'content-type',
  'content-length',
  'cache-control',
  'x-accel-buffering',
  'x-content-type-options',
  'www-authenticate',
  'retry-after',
  'content-security-policy',
];

let calls = 0;

/**
 * One stream request on a fresh connection: an error is read to its end; a
 * stream until its first heartbeat (it is live, its catch-up written), then
 * closed once the server has let it go, so the next call starts from nothing.
 */
function open(t: TestApp, c: Call): Promise<Opened & { reqId: string }> {
  const { hostname, port } = new URL(t.url);
  const reqId = `fast-stream-${++calls}`;
  const headers: Record<string, string> = { Accept: 'text/event-stream', 'X-Request-Id': reqId, ...c.headers, Host: c.host ?? `127.0.0.1:${port}` };
  if (c.body !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(c.body)) });
  const registry = t.app.get(ConnectionRegistry);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: c.path, method: c.method ?? 'GET', agent: false, setHost: false, headers });
    // A guard against a hang, not a wait: every step below resolves on an event.
    const guard = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to ${JSON.stringify(c)}`));
    }, 10_000);
    req.once('error', reject);
    req.once('response', (res) => {
      const picked: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(res.headers)) picked[name] = Array.isArray(value) ? value.join(', ') : value;
      const answer: Opened & { reqId: string } = {
        status: res.statusCode ?? 0,
        headers: picked,
        body: '',
        retry: false,
        events: [],
        registered: [],
        reqId,
      };
      const done = () => {
        clearTimeout(guard);
        resolve(answer);
      };
      res.setEncoding('utf8');
      if (answer.status !== 200 || c.method === 'HEAD') {
        res.on('data', (chunk: string) => (answer.body += chunk));
        res.once('end', done);
        return;
      }
      const parser = createParser({
        onRetry: () => (answer.retry = answer.events.length === 0),
        onEvent: (e) => {
          answer.events.push({ event: e.event ?? 'message', id: e.id, data: e.data });
          if (e.event !== 'heartbeat' || answer.registered.length > 0) return;
          answer.registered = registry.list().map(({ id: _id, connectedSince: _since, ...rest }) => rest);
          res.destroy();
          waitFor(() => registry.count === 0, 'the server to let the stream go').then(done, reject);
        },
      });
      res.on('data', (chunk: string) => parser.feed(chunk));
    });
    req.end(c.body);
  });
}

/** What must be equal on both paths. */
function comparable(a: Opened, port: string): Record<string, unknown> {
  // An error body carries Express's weak hash of itself as ETag (not compared) and names the port.
  const same = (text: string | undefined) => text?.replaceAll(port, 'PORT');
  return {
    status: a.status,
    body: same(a.body),
    retry: a.retry,
    events: a.events,
    registered: a.registered,
    headers: Object.fromEntries(COMPARED.map((h) => [h, same(a.headers[h])])),
    requestId: a.headers['x-request-id'] !== undefined,
  };
}

const QUERIES = [
  '',
  '?keys=A',
  '?keys=B,A',
  '?keys=%20A%20,%20B%20',
  '?keys=NOPE',
  '?label=staging',
  '?label=nolabel',
  '?label=staging&keys=A',
  '?agent=worker-7',
  `?agent=${'w'.repeat(128)}`,
  '?agent=',
  '?ui=not-the-ticket',
  '?lastEventId=2',
  '?lastEventId=junk',
  '?lastEventId=',
  // What the framework refuses or the fast path leaves to it:
  '?keys=',
  '?label=',
  '?keys=1bad',
  '?keys=A,,B',
  '?label=Bad%20Label',
  `?agent=${'w'.repeat(129)}`,
  `?ui=${'u'.repeat(129)}`,
  '?keys=A&keys=B',
  '?label=staging&label=production',
  '?agent=a&agent=b',
  '?keys[]=A',
  '?foo=1',
];

describe('The stream opened on the fast path answers exactly as the framework route (FAST_PATH=on vs off)', () => {
  let fast: TestApp;
  let framework: TestApp;
  const logs = new LogLines();
  const env = rolesEnv({ STREAM_HEARTBEAT_MS: '50', TRUST_PROXY_HOPS: '1', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });

  beforeAll(async () => {
    fast = await startApp({ env, logDestination: logs });
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
    await request(fast.url).put('/api/prompts/A').set(admin).send({ text: 'alpha two' }).expect(200);
    // The same data, streamed through the framework only.
    framework = await startApp({ env: { ...env, FAST_PATH: 'off' }, store: fast.store });
  });

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  /** Sends `c` to both servers and expects the same answer; returns the fast server's, and whether the fast path opened it. */
  async function both(c: Call): Promise<{ answer: Opened; onFastPath: boolean }> {
    const a = await open(fast, c);
    const b = await open(framework, c);
    expect({ call: c, ...comparable(a, new URL(fast.url).port) }).toEqual({ call: c, ...comparable(b, new URL(framework.url).port) });
    return { answer: a, onFastPath: logs.openedOnFastPath(a.reqId) };
  }

  it('gives every caller the same status, error, headers and first events on both paths', async () => {
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
    const resumes: Record<string, string>[] = [
      {},
      { 'Last-Event-ID': '2' },
      { 'Last-Event-ID': '5' },
      { 'Last-Event-ID': '999' },
      { 'Last-Event-ID': 'junk' },
      { 'X-Agent-Id': 'worker-1', 'X-Forwarded-For': '203.0.113.7' },
    ];
    let opened = 0;
    for (const [who, auth] of Object.entries(callers)) {
      for (const resume of resumes) {
        const { answer, onFastPath } = await both({ path: '/api/prompts/stream', headers: { ...auth, ...resume } });
        // Every stream on the fast server was opened by the fast path; every refusal answered by the framework.
        expect({ who, resume, status: answer.status, onFastPath }).toEqual({ who, resume, status: answer.status, onFastPath: answer.status === 200 });
        if (answer.status === 200) opened++;
      }
    }
    expect(opened).toBe(5 * resumes.length);
    // What the registry shows is the same too: the forwarded address (req.ip), the agent, the admin UI's own stream.
    const { answer } = await both({ path: '/api/prompts/stream', headers: { ...bearer(AGENT.secret), 'X-Forwarded-For': '203.0.113.7' } });
    expect(answer.registered).toMatchObject([{ remoteAddress: '203.0.113.7', adminUi: false }]);
    expect((await both({ path: '/api/prompts/stream', headers: { Cookie: cookie } })).answer.registered).toMatchObject([{ adminUi: true }]);
  });

  it('a resume replays on both paths, a fresh connect gets the snapshot', async () => {
    const { answer: replay } = await both({ path: '/api/prompts/stream', headers: { ...bearer(AGENT.secret), 'Last-Event-ID': '2' } });
    expect(replay.events.map((e) => `${e.event}#${e.id ?? ''}`)).toEqual(['prompt.updated#5', 'heartbeat#5']);
    const { answer: fresh } = await both({ path: '/api/prompts/stream', headers: bearer(AGENT.secret) });
    expect(fresh.events.map((e) => e.event)).toEqual(['snapshot', 'heartbeat']);
  });

  it('answers every query the same way on both paths: the same views, the same 400s', async () => {
    for (const query of QUERIES) {
      const { answer, onFastPath } = await both({ path: `/api/prompts/stream${query}`, headers: bearer(AGENT.secret) });
      expect({ query, onFastPath }).toEqual({ query, onFastPath: answer.status === 200 });
    }
    // Spellings the router accepts but the fast path does not recognise, HEAD, and a body all get the framework's answer.
    for (const path of ['/api/prompts/stream/', '/API/prompts/stream', '/api//prompts/stream']) {
      expect((await both({ path, headers: bearer(AGENT.secret) })).onFastPath).toBe(false);
    }
    // An empty query is the plain path.
    expect((await both({ path: '/api/prompts/stream?', headers: bearer(AGENT.secret) })).onFastPath).toBe(true);
    expect((await both({ method: 'HEAD', path: '/api/prompts/stream', headers: bearer(AGENT.secret) })).onFastPath).toBe(false);
    expect((await both({ path: '/api/prompts/stream', headers: bearer(AGENT.secret), body: '{"broken' })).onFastPath).toBe(false);
  });
});

describe('A stream the server ends, and a connect while it shuts down, on both paths', () => {
  let fast: TestApp;
  let framework: TestApp;

  beforeAll(async () => {
    fast = await startApp({ env: rolesEnv() });
    framework = await startApp({ env: rolesEnv({ FAST_PATH: 'off' }), store: fast.store });
  });

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  /** The stream route's request durations, by status: what the metrics middleware (or the fast path) observed. */
  async function streamDurations(t: TestApp): Promise<Record<string, number>> {
    const { values } = await t.app.get(Metrics).httpDuration.get();
    const counts: Record<string, number> = {};
    for (const v of values) {
      if (v.metricName?.endsWith('_count') && v.labels.route === '/api/prompts/stream') counts[`${v.labels.method} ${v.labels.status}`] = v.value;
    }
    return counts;
  }

  it('counts the ended stream in the same series, and answers the same 503 afterwards', async () => {
    const answers: Opened[] = [];
    const counts: Record<string, number>[] = [];
    for (const t of [fast, framework]) {
      const { hostname, port } = new URL(t.url);
      const { ended } = await new Promise<{ ended: Promise<void> }>((resolve, reject) => {
        const req = httpRequest({ hostname, port, path: '/api/prompts/stream', agent: false, headers: bearer(AGENT.secret) });
        req.once('error', reject);
        req.once('response', (res) => {
          expect(res.statusCode).toBe(200);
          res.resume();
          resolve({ ended: new Promise((done) => res.once('end', () => done())) });
        });
        req.end();
      });
      await waitFor(() => t.app.get(ConnectionRegistry).count === 1, 'the stream to be registered');
      // What shutdown does first: every stream is ended, new ones are refused.
      t.app.get(StreamHub).beforeApplicationShutdown();
      await ended;
      await waitFor(async () => Object.keys(await streamDurations(t)).length > 0, 'the ended stream to be counted');
      counts.push(await streamDurations(t));
      answers.push(await open(t, { path: '/api/prompts/stream', headers: bearer(AGENT.secret) }));
    }
    expect(counts[0]).toEqual({ 'GET 200': 1 });
    expect(counts[0]).toEqual(counts[1]);
    expect(answers[0].status).toBe(503);
    expect(comparable(answers[0], new URL(fast.url).port)).toEqual(comparable(answers[1], new URL(framework.url).port));
  });
});

describe('The stream budget on the fast path: a refusal is the framework 429, and a flood holds nothing', () => {
  let fast: TestApp;
  let framework: TestApp;
  const logs = new LogLines();
  const env = rolesEnv({ STREAM_MAX_PER_TOKEN: '2', STREAM_HEARTBEAT_MS: '50', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });

  beforeAll(async () => {
    fast = await startApp({ env, logDestination: logs });
    framework = await startApp({ env: { ...env, FAST_PATH: 'off' }, store: fast.store });
  });

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  /** Opens a stream and keeps it; resolves once its headers are in. */
  function hold(t: TestApp): Promise<() => void> {
    const { hostname, port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ hostname, port, path: '/api/prompts/stream', agent: false, headers: bearer(AGENT.secret) });
      req.once('error', reject);
      req.once('response', (res) => {
        expect(res.statusCode).toBe(200);
        resolve(() => res.destroy());
      });
      req.end();
    });
  }

  it('answers the same 429 with Retry-After on both paths once the token holds its streams', async () => {
    const held = [];
    for (const t of [fast, framework]) for (let i = 0; i < 2; i++) held.push(await hold(t));
    const a = await open(fast, { path: '/api/prompts/stream', headers: bearer(AGENT.secret) });
    const b = await open(framework, { path: '/api/prompts/stream', headers: bearer(AGENT.secret) });
    expect(comparable(a, new URL(fast.url).port)).toEqual(comparable(b, new URL(framework.url).port));
    expect([a.status, a.headers['retry-after']]).toEqual([429, '5']);
    expect(JSON.parse(a.body)).toMatchObject({ message: expect.stringMatching(/token "friday" holds 2 open streams.*STREAM_MAX_PER_TOKEN/) });
    expect(logs.openedOnFastPath(a.reqId)).toBe(false);
    // The two that hold the budget were opened by the fast path.
    expect(logs.lines.filter((l) => l.msg === 'stream opened (fast path)')).toHaveLength(2);
    for (const close of held) close();
    for (const t of [fast, framework]) await waitFor(() => t.app.get(ConnectionRegistry).count === 0, 'the held streams to go');
  });

  it('a flood of connects past the budget is refused by the budget rule and leaves the registry as it was', async () => {
    const registry = fast.app.get(ConnectionRegistry);
    const held = [await hold(fast), await hold(fast)];
    const opened = logs.lines.filter((l) => l.msg === 'stream opened (fast path)').length;
    const flood = await Promise.all(Array.from({ length: 40 }, () => open(fast, { path: '/api/prompts/stream', headers: bearer(AGENT.secret) })));
    expect(flood.map((f) => f.status)).toEqual(flood.map(() => 429));
    // The budget's refusal, not a per-address socket cap's.
    for (const f of flood) expect(JSON.parse(f.body)).toMatchObject({ message: expect.stringMatching(/STREAM_MAX_PER_TOKEN/) });
    expect(logs.lines.filter((l) => l.msg === 'stream opened (fast path)')).toHaveLength(opened);
    expect([registry.count, registry.countIn(`token:${AGENT.name}`)]).toEqual([2, 2]);
    for (const close of held) close();
    await waitFor(() => registry.count === 0 && registry.countIn(`token:${AGENT.name}`) === 0, 'the held streams to go');
    // The budget is free again: a connect now opens on the fast path.
    const again = await open(fast, { path: '/api/prompts/stream', headers: bearer(AGENT.secret) });
    expect([again.status, logs.openedOnFastPath(again.reqId)]).toEqual([200, true]);
  });
});

describe('The stream on the fast path in open mode (no tokens): the same Host rule', () => {
  let fast: TestApp;
  let framework: TestApp;
  const logs = new LogLines();

  beforeAll(async () => {
    fast = await startApp({ env: { STREAM_HEARTBEAT_MS: '50', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, logDestination: logs });
    await request(fast.url).post('/api/prompts').send({ key: 'A', text: 'alpha' }).expect(201);
    framework = await startApp({ env: { STREAM_HEARTBEAT_MS: '50', FAST_PATH: 'off' }, store: fast.store });
  });

  afterAll(async () => {
    await framework?.stop();
    await fast?.close();
  });

  it('refuses a foreign Host with the same 421 on both paths, and streams to loopback names', async () => {
    for (const host of ['evil.example', 'evil.example:PORT', '127.0.0.1:1', '127.0.0.1', '', 'localhost:PORT', '[::1]:PORT', '127.0.0.1:PORT']) {
      const a = await open(fast, { path: '/api/prompts/stream', host: host.replace('PORT', new URL(fast.url).port) });
      const b = await open(framework, { path: '/api/prompts/stream', host: host.replace('PORT', new URL(framework.url).port) });
      expect({ host, ...comparable(a, new URL(fast.url).port) }).toEqual({ host, ...comparable(b, new URL(framework.url).port) });
      const loopback = /^(localhost|127\.0\.0\.1|\[::1\]):PORT$/.test(host);
      expect({ host, status: a.status, fast: logs.openedOnFastPath(a.reqId) }).toEqual({ host, status: loopback ? 200 : 421, fast: loopback });
    }
  });
});
