import { spawn } from 'node:child_process';
import { once } from 'node:events';
import request from 'supertest';
import { FleetReporter } from '../src/worker/fleet-reporter.js';
import { silentLogger } from '../src/worker/agent-logger.js';
import { createApp } from '../src/app.factory.js';
import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';
import { AdminBrowser } from './support/admin-browser.js';
import { SessionCookies } from '../src/auth/session-cookies.js';
import { PromptStore } from '../src/store/prompt-store.js';
import { startApp, type TestApp } from './support/app.js';
import { describePostgres } from './support/postgres.js';
import { storeTargets } from './support/store-targets.js';
import { ADMIN, AGENT, authEnv, bearer, WRONG_SECRET } from './support/auth.js';
import { openStream } from './support/sse.js';
import { waitFor } from './support/wait-for.js';
import { ConnectionRegistry } from '../src/stream/connection-registry.js';

type Caller = 'none' | 'agent' | 'admin' | 'wrong';
const SECRETS: Record<Caller, string | undefined> = { none: undefined, agent: AGENT.secret, admin: ADMIN.secret, wrong: WRONG_SECRET };

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'delete';
  /** `KEY` is replaced by a prompt that exists, fresh for each row. */
  path: string;
  body?: (key: string) => object;
  expected: Record<Caller, number>;
}

const READ = { none: 401, agent: 200, admin: 200, wrong: 401 };
const WRITE = (ok: number) => ({ none: 401, agent: 403, admin: ok, wrong: 401 });
const ADMIN_ONLY = WRITE(200);
const PUBLIC = { none: 200, agent: 200, admin: 200, wrong: 200 };

const ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/api/prompts', expected: READ },
  { method: 'get', path: '/api/prompts?format=flat', expected: READ },
  { method: 'get', path: '/api/prompts/KEY', expected: READ },
  { method: 'get', path: '/api/prompts/KEY/versions', expected: READ },
  { method: 'get', path: '/api/prompts/KEY/versions/1', expected: READ },
  { method: 'post', path: '/api/prompts', body: (key) => ({ key: `${key}_NEW`, text: 'new' }), expected: WRITE(201) },
  { method: 'put', path: '/api/prompts/KEY', body: () => ({ text: 'changed' }), expected: WRITE(200) },
  { method: 'post', path: '/api/prompts/KEY/rollback', body: () => ({ version: 1 }), expected: WRITE(200) },
  { method: 'delete', path: '/api/prompts/KEY', expected: WRITE(204) },
  { method: 'get', path: '/api/agents', expected: READ },
  {
    method: 'post',
    path: '/api/agents/report',
    body: () => ({ agentId: 'w1', revision: 1, sessions: 0, mode: 'streaming' }),
    expected: { none: 401, agent: 204, admin: 403, wrong: 401 },
  },
  { method: 'get', path: '/api/audit', expected: ADMIN_ONLY },
  // Probes carry no credentials; a scraper needs only a read token.
  { method: 'get', path: '/health', expected: PUBLIC },
  { method: 'get', path: '/health/ready', expected: PUBLIC },
  { method: 'get', path: '/metrics', expected: READ },
];

describe('Auth: scoped tokens', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startApp({ env: authEnv() });
  });
  afterAll(async () => {
    await t.close();
  });

  async function freshPrompt(): Promise<string> {
    const key = `AUTH_${++n}`;
    await request(t.url).post('/api/prompts').set(bearer(ADMIN.secret)).send({ key, text: 'v1' }).expect(201);
    return key;
  }

  const rows = ENDPOINTS.flatMap((e) => (Object.keys(e.expected) as Caller[]).map((caller) => [e.method.toUpperCase(), e.path, caller, e] as const));

  it.each(rows)('%s %s with %s credentials', async (_m, _p, caller, e) => {
    const key = await freshPrompt();
    let req = request(t.url)[e.method](e.path.replace('KEY', key));
    const secret = SECRETS[caller];
    if (secret) req = req.set(bearer(secret));
    const res = await (e.body ? req.send(e.body(key)) : req);
    expect(res.status).toBe(e.expected[caller]);
    if (res.status >= 400) {
      expect(res.body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toContain(secret ?? '\u0000');
    }
    if (res.status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="promptcast"/);
  });

  it.each([
    ['none', 401],
    ['wrong', 401],
    ['agent', 200],
    ['admin', 200],
  ] as const)('GET /api/prompts/stream with %s credentials answers %i', async (caller, status) => {
    const secret = SECRETS[caller];
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: secret ? bearer(secret) : {} });
    try {
      expect(stream.status).toBe(status);
      if (status === 200) await stream.until((events) => events.some((e) => e.event === 'snapshot'), 'the snapshot');
    } finally {
      await stream.close();
    }
  });

  it('delivers changes to an agent token on the stream and records the admin token as author', async () => {
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: bearer(AGENT.secret) });
    try {
      await stream.changesUntil(1);
      const key = await freshPrompt();
      const [, event] = await stream
        .until((events) => events.some((e) => e.data.key === key), `the ${key} event`)
        .then((events) => [undefined, events.find((e) => e.data.key === key)]);
      expect(event?.data).toMatchObject({ key, author: ADMIN.name });
    } finally {
      await stream.close();
    }
  });

  it("the agent's fleet reporter sends PROMPTCAST_TOKEN, so its reports land", async () => {
    const reporter = new FleetReporter({
      url: t.url,
      token: AGENT.secret,
      intervalMs: 60_000,
      log: silentLogger,
      snapshot: () => ({ agentId: 'fleet-token-test', revision: 1, sessions: 2, mode: 'streaming' }),
    });
    await reporter.report();
    await reporter.stop();
    const agents = await request(t.url).get('/api/agents').set(bearer(AGENT.secret)).expect(200);
    expect(JSON.stringify(agents.body)).toContain('fleet-token-test');
  });

  it('rejects malformed Authorization headers and does not take a token from the query string', async () => {
    for (const header of ['Basic b3BzOng=', `Bearer`, `Token ${ADMIN.secret}`, `Bearer ${ADMIN.secret} extra`]) {
      const res = await request(t.url).get('/api/prompts').set('Authorization', header);
      expect([res.status, res.body.message]).toEqual([401, expect.stringMatching(/Authorization header|unknown token/)]);
    }
    await request(t.url).get(`/api/prompts?access_token=${ADMIN.secret}`).expect(401);
    await request(t.url).get(`/api/prompts/stream?token=${ADMIN.secret}`).expect(401);
  });

  it('records the token name and client address on every change, listed by GET /api/audit', async () => {
    const key = await freshPrompt();
    await request(t.url).put(`/api/prompts/${key}`).set(bearer(ADMIN.secret)).send({ text: 'v2', message: 'why' }).expect(200);
    const versions = await request(t.url).get(`/api/prompts/${key}/versions`).set(bearer(AGENT.secret)).expect(200);
    expect(versions.body.versions.map((v: { author: string }) => v.author)).toEqual([ADMIN.name, ADMIN.name]);
    const audit = await request(t.url).get(`/api/audit?key=${key}&author=${ADMIN.name}`).set(bearer(ADMIN.secret)).expect(200);
    expect(audit.body).toEqual({
      next: null,
      entries: [
        expect.objectContaining({ key, kind: 'update', version: 2, author: ADMIN.name, address: '127.0.0.1', message: 'why' }),
        expect.objectContaining({ key, kind: 'create', version: 1, author: ADMIN.name, address: '127.0.0.1' }),
      ],
    });
  });

  it('pages GET /api/audit newest first with a before cursor and validates its query', async () => {
    const page = await request(t.url).get('/api/audit?limit=2').set(bearer(ADMIN.secret)).expect(200);
    expect(page.body.entries).toHaveLength(2);
    const [first, second] = page.body.entries as { revision: number }[];
    expect(first.revision).toBeGreaterThan(second.revision);
    expect(page.body.next).toBe(second.revision);
    const next = await request(t.url).get(`/api/audit?limit=2&before=${page.body.next}`).set(bearer(ADMIN.secret)).expect(200);
    expect(next.body.entries[0].revision).toBeLessThan(second.revision);
    for (const bad of ['limit=0', 'limit=abc', 'before=-1', 'key=../etc', 'nope=1']) {
      const res = await request(t.url).get(`/api/audit?${bad}`).set(bearer(ADMIN.secret)).expect(400);
      expect(res.body.message).toMatch(/limit|before|key|nope/);
    }
  });
});

describe('Auth: admin UI login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: authEnv() });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a visitor without a session to the login page and back after logging in', async () => {
    const browser = new AdminBrowser(t.url);
    const first = await browser.get('/prompts/new');
    expect([first.status, first.headers.location]).toEqual([303, '/login?next=%2Fprompts%2Fnew']);
    const form = await browser.get('/login?next=%2Fprompts%2Fnew');
    expect(form.text).toContain('name="token" type="password"');
    const login = await browser.post('/login', { token: ADMIN.secret, next: '/prompts/new' });
    expect([login.status, login.headers.location]).toEqual([303, '/prompts/new']);
    const page = await browser.get('/prompts/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-signed-in-as>${ADMIN.name}<`);
  });

  it('sets an HttpOnly, SameSite=Strict, signed session cookie that the API and the stream accept', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    const login = await browser.post('/login', { token: ADMIN.secret });
    const setCookie = [login.headers['set-cookie']].flat().find((c) => c.startsWith('promptcast_session='));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/); // plain http here; Secure follows req.secure
    const session = browser.cookie('promptcast_session') ?? '';
    // name.expiresAt.id.signature: the random id is what a logout revokes.
    expect(session).toMatch(new RegExp(`^${ADMIN.name}\\.\\d+\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$`));
    const cookie = `promptcast_session=${session}`;
    await request(t.url).get('/api/audit').set('Cookie', cookie).expect(200);
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: { Cookie: cookie } });
    expect(stream.status).toBe(200);
    await stream.close();
  });

  it("leaves the signed-in admin UI's own stream out of the agents list, and cannot be fooled by an agent's chosen name", async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    await browser.post('/login', { token: ADMIN.secret });
    const cookie = `promptcast_session=${browser.cookie('promptcast_session') ?? ''}`;
    const ui = await openStream(`${t.url}/api/prompts/stream`, { headers: { Cookie: cookie } });
    const impostor = await openStream(`${t.url}/api/prompts/stream?agent=promptcast-admin-ui`, { headers: bearer(AGENT.secret) });
    try {
      await Promise.all([ui.changesUntil(1), impostor.changesUntil(1)]);
      const list = await browser.get('/');
      expect(list.text).toContain('<strong data-agent-count>1</strong> agent<');
      expect(list.text).toContain('promptcast-admin-ui');
      expect(list.text).not.toContain('data-ui-ticket');
    } finally {
      await Promise.all([ui.close(), impostor.close()]);
    }
  });

  it('refuses a tampered or forged session cookie', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    await browser.post('/login', { token: ADMIN.secret });
    const [name, expires, id, signature] = (browser.cookie('promptcast_session') ?? '').split('.');
    const forged = [
      `${name}.${Number(expires) + 1_000_000}.${id}.${signature}`,
      `${AGENT.name}.${expires}.${id}.${signature}`,
      `${name}.${expires}.${'B'.repeat(22)}.${signature}`,
      `${name}.${expires}.${id}.${'A'.repeat(43)}`,
      `${name}.${expires}.${signature}`,
      'garbage',
    ];
    for (const value of forged) await request(t.url).get('/api/audit').set('Cookie', `promptcast_session=${value}`).expect(401);
  });

  it('refuses agent and unknown tokens at the login form with the same answer', async () => {
    for (const token of [AGENT.secret, WRONG_SECRET]) {
      const browser = new AdminBrowser(t.url);
      await browser.get('/login');
      const res = await browser.post('/login', { token });
      expect(res.status).toBe(401);
      expect(res.text).toContain('That token cannot sign in here: use an admin, editor or viewer token.');
      expect(browser.cookie('promptcast_session')).toBeUndefined();
    }
  });

  it('refuses a login post without the CSRF token, and one pointing next at another site', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    expect((await browser.post('/login', { token: ADMIN.secret, _csrf: undefined })).status).toBe(403);
    expect((await browser.post('/login', { token: ADMIN.secret, next: '//evil.example/' })).status).toBe(400);
    expect(browser.cookie('promptcast_session')).toBeUndefined();
  });

  it('ties the CSRF token to the session: a form token from before login is refused after it', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    const before = browser.csrfToken;
    await browser.post('/login', { token: ADMIN.secret });
    expect((await browser.post('/prompts', { key: 'CSRF_OLD', text: 'x', _csrf: before })).status).toBe(403);
    await browser.get('/prompts/new');
    expect(browser.csrfToken).not.toBe(before);
    expect((await browser.post('/prompts', { key: 'CSRF_NEW', text: 'x' })).status).toBe(303);
  });

  it('logs out: clears the cookie and the pages send the visitor to the login page again', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    await browser.post('/login', { token: ADMIN.secret });
    await browser.get('/');
    const out = await browser.post('/logout', {});
    expect([out.status, out.headers.location]).toEqual([303, '/login']);
    expect([out.headers['set-cookie']].flat().join()).toMatch(/promptcast_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(browser.cookie('promptcast_session')).toBeUndefined();
    expect((await browser.get('/')).status).toBe(303);
  });
});

describe.each(storeTargets.map((target) => [target.name, target] as const))('Auth: logout ends the session on the server (%s)', (_name, target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: authEnv(), target });
    await request(t.url).post('/api/prompts').set(bearer(ADMIN.secret)).send({ key: 'LOGOUT', text: 'v1' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a copy of the cookie after logout: a read, a JSON write and the stream get 401, a page goes to /login', async () => {
    const browser = await signedIn(t.url);
    const copied = sessionCookie(browser);
    await expectAccepted(t.url, copied);
    const out = await browser.post('/logout', {});
    expect([out.status, out.headers.location]).toEqual([303, '/login']);
    await expectRefused(t.url, copied);
    expect((await request(t.url).get('/api/prompts/LOGOUT').set(bearer(ADMIN.secret))).body.version).toBe(1);
  });

  it('ends a stream already open with the session once it is logged out, within a heartbeat', async () => {
    const app = await startApp({ env: authEnv({ STREAM_HEARTBEAT_MS: '100' }), target });
    try {
      const browser = await signedIn(app.url);
      const stream = await openStream(`${app.url}/api/prompts/stream`, { headers: { Cookie: sessionCookie(browser) } });
      await stream.changesUntil(1);
      await browser.post('/logout', {});
      await stream.ended;
      await waitFor(() => app.app.get(ConnectionRegistry).count === 0, 'the stream to be released');
    } finally {
      await app.close();
    }
  });

  it('ends only the session logged out: another login of the same token keeps working', async () => {
    const [leaving, staying] = [await signedIn(t.url), await signedIn(t.url)];
    const [gone, kept] = [sessionCookie(leaving), sessionCookie(staying)];
    await leaving.post('/logout', {});
    await request(t.url).get('/api/prompts').set('Cookie', gone).expect(401);
    await request(t.url).get('/api/prompts').set('Cookie', kept).expect(200);
  });

  it('logs out harmlessly with no cookie, a forged or expired one, or one already logged out', async () => {
    const sessions = t.app.get(SessionCookies);
    const expired = sessions.issue(ADMIN.name, Date.now() - t.config.auth.sessionTtlMs - 1000) ?? '';
    const browser = await signedIn(t.url);
    const copied = sessionCookie(browser);
    await browser.post('/logout', {});
    const [name, expires] = expired.split('.');
    const forged = `${name}.${Number(expires) + 2 * t.config.auth.sessionTtlMs}.${'C'.repeat(22)}.${'A'.repeat(43)}`;
    for (const cookie of [undefined, 'garbage', forged, expired, copied.slice('promptcast_session='.length)]) {
      const visitor = new AdminBrowser(t.url);
      if (cookie) visitor.setCookie('promptcast_session', cookie);
      // The form's CSRF token binds to whatever session cookie the page was rendered for.
      await visitor.get('/login');
      const res = await visitor.post('/logout', {});
      expect([res.status, res.headers.location]).toEqual([303, '/login']);
    }
    // Only a genuine, live session is recorded: a forged cookie's id never reaches the store.
    expect(await t.app.get(PromptStore).isSessionRevoked('C'.repeat(22))).toBe(false);
    await request(t.url).get('/api/prompts').set(bearer(AGENT.secret)).expect(200);
  });
});

describe('Auth: a session that cannot be checked is refused (fail closed)', () => {
  it('refuses the session while the store is down, and public routes still answer', async () => {
    const t = await startApp({ env: authEnv() });
    try {
      const cookie = sessionCookie(await signedIn(t.url));
      await t.app.get(PromptStore).close();
      const read = await request(t.url).get('/api/prompts').set('Cookie', cookie);
      expect(read.status).toBe(500);
      expect(read.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
      expect((await request(t.url).get('/health').set('Cookie', cookie)).status).toBe(200);
      expect((await request(t.url).get('/login').set('Cookie', cookie).set('Accept', 'text/html')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

// Replicas share nothing but the database: a logout on one must end the session on the other, at once.
describePostgres('Auth: a logout on one replica ends the session on the others', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startApp({ env: authEnv(), target: storeTargets.find((s) => s.name === 'postgres') });
    b = await startApp({ env: authEnv(), store: a.store });
    await request(a.url).post('/api/prompts').set(bearer(ADMIN.secret)).send({ key: 'LOGOUT', text: 'v1' }).expect(201);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  it('refuses on instance B a cookie logged out through instance A', async () => {
    const browser = await signedIn(a.url);
    const copied = sessionCookie(browser);
    // B has accepted the cookie before, so a cache of good sessions on B would show here.
    await expectAccepted(b.url, copied);
    await browser.post('/logout', {});
    await expectRefused(b.url, copied);
    await expectRefused(a.url, copied);
  });
});

async function signedIn(url: string): Promise<AdminBrowser> {
  const browser = new AdminBrowser(url);
  await browser.get('/login');
  await browser.post('/login', { token: ADMIN.secret });
  // A page rendered while signed in carries the CSRF token bound to this session (the logout form's).
  await browser.get('/');
  return browser;
}

function sessionCookie(browser: AdminBrowser): string {
  const value = browser.cookie('promptcast_session');
  if (!value) throw new Error('not signed in');
  return `promptcast_session=${value}`;
}

async function expectAccepted(url: string, cookie: string): Promise<void> {
  await request(url).get('/api/prompts').set('Cookie', cookie).expect(200);
  const stream = await openStream(`${url}/api/prompts/stream`, { headers: { Cookie: cookie } });
  await stream.close();
  expect(stream.status).toBe(200);
}

/** The cookie no longer gets in anywhere, and a write with it writes nothing. */
async function expectRefused(url: string, cookie: string): Promise<void> {
  await request(url).get('/api/prompts').set('Cookie', cookie).expect(401);
  await request(url).put('/api/prompts/LOGOUT').set('Cookie', cookie).send({ text: 'after logout' }).expect(401);
  const stream = await openStream(`${url}/api/prompts/stream`, { headers: { Cookie: cookie } });
  await stream.close();
  expect(stream.status).toBe(401);
  const page = await request(url).get('/').set('Cookie', cookie).set('Accept', 'text/html');
  expect([page.status, page.headers.location]).toEqual([303, '/login']);
  expect((await request(url).get('/api/prompts/LOGOUT').set(bearer(ADMIN.secret))).body.version).toBe(1);
}

describe('Auth: rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: authEnv({ RATE_LIMIT_WRITES_PER_MIN: '3', RATE_LIMIT_LOGIN_PER_MIN: '2', STREAM_MAX_PER_TOKEN: '2' }) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 JSON with Retry-After once writes exceed RATE_LIMIT_WRITES_PER_MIN, and writes nothing', async () => {
    const write = (i: number) =>
      request(t.url)
        .post('/api/prompts')
        .set(bearer(ADMIN.secret))
        .send({ key: `RL_${i}`, text: 'x' });
    for (let i = 0; i < 3; i++) expect((await write(i)).status).toBe(201);
    const revision = (await request(t.url).get('/api/prompts').set(bearer(ADMIN.secret))).body.revision;
    const limited = await write(3);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('RATE_LIMIT_WRITES_PER_MIN') });
    expect((await request(t.url).get('/api/prompts').set(bearer(ADMIN.secret))).body.revision).toBe(revision);
    // Reads are not counted against the write limit.
    await request(t.url).get('/api/prompts').set(bearer(AGENT.secret)).expect(200);
  });

  it('answers 429 with Retry-After once login attempts exceed RATE_LIMIT_LOGIN_PER_MIN', async () => {
    const browser = new AdminBrowser(t.url);
    await browser.get('/login');
    expect((await browser.post('/login', { token: WRONG_SECRET })).status).toBe(401);
    expect((await browser.post('/login', { token: WRONG_SECRET })).status).toBe(401);
    const limited = await browser.post('/login', { token: ADMIN.secret });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(browser.cookie('promptcast_session')).toBeUndefined();
  });

  it('answers 429 JSON to a stream beyond STREAM_MAX_PER_TOKEN and admits one again when another closes', async () => {
    const open = () => openStream(`${t.url}/api/prompts/stream`, { headers: bearer(AGENT.secret) });
    const [a, b] = [await open(), await open()];
    const third = await request(t.url).get('/api/prompts/stream').set(bearer(AGENT.secret)).expect(429);
    expect(third.body.message).toContain('STREAM_MAX_PER_TOKEN');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    await a.close();
    const c = await waitForStream(open);
    expect(c.status).toBe(200);
    await Promise.all([b.close(), c.close()]);
  });
});

/** The server notices a closed stream a moment after the client does: retry until admitted (bounded). */
async function waitForStream(open: () => ReturnType<typeof openStream>): ReturnType<typeof openStream> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const stream = await open();
    if (stream.status === 200) return stream;
    await stream.close();
  }
  throw new Error('stream was never admitted again');
}

describe('Auth: refusing to run open beyond loopback', () => {
  it.each(['0.0.0.0', '::', '10.1.2.3', 'example.com'])('loadConfig refuses HOST=%s without tokens, naming the fix', (host) => {
    expect(() => loadConfig({ HOST: host }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: host }, [])).toThrow(
      /not a loopback address and no ADMIN_TOKENS, EDITOR_TOKENS, VIEWER_TOKENS or AGENT_TOKENS are set/,
    );
  });

  it.each(['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost'])('runs open on loopback HOST=%s', (host) => {
    expect(loadConfig({ HOST: host }, []).auth.open).toBe(true);
  });

  it('starts on a non-loopback HOST once tokens are set', async () => {
    const config = loadConfig({ HOST: '0.0.0.0', SEED: 'false', SQLITE_PATH: ':memory:', ...authEnv() }, []);
    const app = await createApp(config, { logger: false });
    await app.close();
    expect(config.auth).toMatchObject({ open: false, admins: [{ name: ADMIN.name }], agents: [{ name: AGENT.name }] });
  });

  it.each([
    ['ADMIN_TOKENS', 'just-a-secret-without-name', /ADMIN_TOKENS: entry 1 is not name:secret/],
    ['ADMIN_TOKENS', 'ops:short', /ADMIN_TOKENS: entry 1 \("ops"\) has a secret shorter than 16/],
    ['AGENT_TOKENS', 'a:0123456789abcdef,b c:0123456789abcdeg', /AGENT_TOKENS: entry 2 has an invalid name/],
    ['AGENT_TOKENS', `ops:0123456789abcdef,ops:0123456789abcdeg`, /token name "ops" appears more than once/],
  ])('stops on a bad %s naming the entry but never the secret', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value }, [])).toThrow(message);
    expect(() => loadConfig({ [variable]: value }, [])).not.toThrow(/0123456789abcde|just-a-secret|short\b/);
  });

  const S1 = '0123456789abcdef';
  const S2 = '0123456789abcdeg';
  it.each([
    [{ AGENT_TOKENS: `ops:${S1},ops:${S2}` }, 'token name "ops" appears more than once in AGENT_TOKENS'],
    [{ ADMIN_TOKENS: `ops:${S1}`, VIEWER_TOKENS: `ops:${S2}` }, 'token name "ops" appears more than once: in ADMIN_TOKENS and in VIEWER_TOKENS'],
    [
      { EDITOR_TOKENS: `ed:${S1}`, AGENT_TOKENS: `bot:${S2},ops:${S2}` },
      'token "ops" in AGENT_TOKENS reuses the secret of token "bot" in AGENT_TOKENS',
    ],
    [{ EDITOR_TOKENS: `ed:${S1}`, AGENT_TOKENS: `bot:${S1}` }, 'token "bot" in AGENT_TOKENS reuses the secret of token "ed" in EDITOR_TOKENS'],
  ])('names the variables a token collides across (%j), never the secret', (env, message) => {
    expect(() => loadConfig(env, [])).toThrow(`Invalid configuration: ${message}`);
    expect(() => loadConfig(env, [])).not.toThrow(/0123456789abcde/);
  });

  // dist/ is built once for the whole run by jest's globalSetup (test/support/build-once.ts).
  it('node dist/main.js with HOST=0.0.0.0 and no tokens prints one line and exits 1', async () => {
    const { code, stderr } = await run('node', ['dist/main.js'], {
      HOST: '0.0.0.0',
      PORT: '0',
      ADMIN_TOKENS: '',
      AGENT_TOKENS: '',
      DATABASE_URL: '',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^promptcast: HOST=0\.0\.0\.0 is not a loopback address/)]);
  });
});

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(cmd, args, { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}
