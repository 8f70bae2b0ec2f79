import { request as httpRequest } from 'node:http';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, authEnv, bearer } from './support/auth.js';
import { RawConnection } from './support/raw-http.js';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One GET with exactly the Host header given (none when `host` is undefined), as a
 * browser on a DNS-rebinding page would send it. Resolves on the response head and
 * at most 2 KB of body, so a stream that is (wrongly) let through does not hang the test.
 */
function get(url: string, path: string, host: string | undefined, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      path,
      agent: false,
      setHost: false,
      headers: host === undefined ? headers : { ...headers, Host: host },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      const done = (): void => {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body });
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 2048 || res.headers['content-type']?.startsWith('text/event-stream')) done();
      });
      res.once('end', done);
    });
    req.end();
  });
}

const ROUTES: [string, string, Record<string, string>][] = [
  ['the API', '/api/prompts', {}],
  ['the admin UI', '/', { Accept: 'text/html' }],
  ['the stream', '/api/prompts/stream', { Accept: 'text/event-stream' }],
  ['a static asset', '/assets/app.css', {}],
  ['the API docs', '/api/docs-json', {}],
  ['liveness', '/health', {}],
];

describe('Open mode answers only loopback Host headers (DNS rebinding)', () => {
  let t: TestApp;
  let port: string;
  beforeAll(async () => {
    t = await startApp();
    port = new URL(t.url).port;
  });
  afterAll(async () => {
    await t.close();
  });

  const foreign = (p: string): [string, string][] => [
    ['a rebinding name', `evil.example:${p}`],
    ['a loopback address with another port', '127.0.0.1:9999'],
    ['localhost without the port', 'localhost'],
    ['an empty Host', ''],
  ];

  it.each(ROUTES)('refuses %s with a foreign Host: 421 and a JSON message', async (_what, path, headers) => {
    for (const [what, host] of foreign(port)) {
      const answer = await get(t.url, path, host, headers);
      expect({ what, status: answer.status }).toEqual({ what, status: 421 });
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({
        statusCode: 421,
        error: 'Misdirected Request',
        message: expect.stringMatching(/Host/),
      });
    }
  });

  it('refuses a request with no Host header at all', async () => {
    // HTTP/1.1 requires a Host (Node's parser refuses one without it); HTTP/1.0 does not, so it reaches the check.
    const conn = await RawConnection.open(t.url);
    conn.write('GET /api/prompts HTTP/1.0\r\n\r\n');
    await conn.closed;
    expect(conn.status).toBe(421);
    expect(conn.body).toMatchObject({ statusCode: 421, message: expect.stringMatching(/no Host header/) });
    expect((await get(t.url, '/api/prompts', undefined)).status).toBe(400);
  });

  it.each(ROUTES)('serves %s to every loopback spelling of this server', async (_what, path, headers) => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`, `127.8.9.10:${port}`]) {
      const answer = await get(t.url, path, host, headers);
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
  });
});

describe('With tokens configured the Host header is not checked (the tokens defend)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: authEnv() });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves a foreign Host to a token holder', async () => {
    const answer = await get(t.url, '/api/prompts', 'promptcast.internal.example', bearer(ADMIN.secret));
    expect(answer.status).toBe(200);
  });
});
