import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, authEnv, bearer } from './support/auth.js';
import { halfSentRequest, RawConnection } from './support/raw-http.js';
import { openStream, type SseStream } from './support/sse.js';
import { waitFor } from './support/wait-for.js';

/** A complete, authenticated request on a connection of its own (no pooled socket from an earlier test). */
async function poll(url: string): Promise<number> {
  const res = await fetch(`${url}/api/prompts`, { headers: { ...bearer(AGENT.secret), Connection: 'close' } });
  await res.arrayBuffer();
  return res.status;
}

function expectRefusal(conn: RawConnection, status: number, variable: RegExp): void {
  expect(conn.status).toBe(status);
  expect(conn.header('content-type')).toMatch(/^application\/json/);
  expect(conn.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.stringMatching(variable) });
}

describe('Connection limits: sockets without a complete request', () => {
  let t: TestApp | undefined;
  const held: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await Promise.all(held.splice(0).map((c) => c.close()));
    await t?.close();
    t = undefined;
  });

  it('closes the half-sent requests over CONN_MAX_PENDING_PER_ADDRESS with a 429 and still serves a complete request from the same address', async () => {
    t = await startApp({ env: authEnv({ CONN_MAX_PENDING_PER_ADDRESS: '4' }) });
    const url = t.url;
    const slow = await Promise.all(Array.from({ length: 10 }, () => halfSentRequest(url)));
    held.push(...slow);

    await waitFor(() => slow.filter((c) => c.isClosed).length >= 6, '6 of 10 half-sent requests to be refused');
    const refused = slow.filter((c) => c.isClosed);
    for (const conn of refused) {
      expectRefusal(conn, 429, /CONN_MAX_PENDING_PER_ADDRESS/);
      expect(conn.header('retry-after')).toMatch(/^[1-9]\d*$/);
    }

    expect(await poll(url)).toBe(200);
    // The ones within the cap are still held (until HTTP_HEADERS_TIMEOUT_MS), so the refusals were the cap, not a timeout.
    expect(slow.filter((c) => c.isClosed)).toHaveLength(6);
    const metrics = await request(url).get('/metrics').set(bearer(ADMIN.secret)).expect(200);
    expect(metrics.text).toMatch(/promptcast_connections_refused_total\{reason="pending"\} 6\b/);
  });

  it('serves a burst of complete requests from one address well above CONN_MAX_PENDING_PER_ADDRESS', async () => {
    t = await startApp({ env: authEnv({ CONN_MAX_PENDING_PER_ADDRESS: '2' }) });
    const url = t.url;
    const statuses = await Promise.all(Array.from({ length: 40 }, () => poll(url)));
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it('refuses a connection over CONN_MAX_PER_ADDRESS with a 429 JSON body and Retry-After, and takes one again once a socket closes', async () => {
    t = await startApp({ env: authEnv({ CONN_MAX_PER_ADDRESS: '3' }) });
    const url = t.url;
    const streams: SseStream[] = [];
    for (let i = 0; i < 3; i++) streams.push(await openStream(`${url}/api/prompts/stream`, { headers: bearer(AGENT.secret) }));
    held.push(...streams);
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);

    const extra = await RawConnection.open(url);
    held.push(extra);
    extra.write(`GET /api/prompts HTTP/1.1\r\nHost: ${new URL(url).host}\r\nAuthorization: Bearer ${AGENT.secret}\r\n\r\n`);
    await extra.closed;
    expectRefusal(extra, 429, /CONN_MAX_PER_ADDRESS/);
    expect(extra.header('retry-after')).toMatch(/^[1-9]\d*$/);

    await streams[0]?.close();
    await waitFor(async () => (await poll(url)) === 200, 'a request to be served once a stream has closed');
  });

  it('at CONN_MAX_PER_ADDRESS a new connection takes the place of the oldest one that has sent no request head', async () => {
    t = await startApp({ env: authEnv({ CONN_MAX_PER_ADDRESS: '4' }) });
    const url = t.url;
    const slow: RawConnection[] = [];
    for (let i = 0; i < 4; i++) slow.push(await halfSentRequest(url));
    held.push(...slow);

    const oldest = slow[0];
    expect(await poll(url)).toBe(200);
    await waitFor(() => oldest?.isClosed === true, 'the oldest half-sent request to be closed');
    if (oldest) expectRefusal(oldest, 429, /CONN_MAX_PER_ADDRESS/);
    expect(slow.filter((c) => c.isClosed)).toHaveLength(1);
  });

  it('counts the proxy, not clients, behind TRUST_PROXY_HOPS, so the caps are left to the proxy', async () => {
    t = await startApp({ env: authEnv({ CONN_MAX_PER_ADDRESS: '1', TRUST_PROXY_HOPS: '1' }) });
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: bearer(AGENT.secret) });
    held.push(stream);
    expect(stream.status).toBe(200);
    expect(await poll(t.url)).toBe(200);
  });
});

describe('Server timeouts', () => {
  let t: TestApp | undefined;
  const held: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await Promise.all(held.splice(0).map((c) => c.close()));
    await t?.close();
    t = undefined;
  });

  it('answers 408 and closes a request whose headers have not arrived within HTTP_HEADERS_TIMEOUT_MS', async () => {
    t = await startApp({ env: { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '1000' } });
    const slow = await halfSentRequest(t.url);
    const silent = await RawConnection.open(t.url);
    held.push(slow, silent);
    // The default (60 s, checked every 30 s) is far beyond this wait: only the configured timeout can pass it.
    await waitFor(() => slow.isClosed && silent.isClosed, 'the server to close both connections', 5000);
    expectRefusal(slow, 408, /took too long/);
  });

  it('cuts a request body slower than HTTP_REQUEST_TIMEOUT_MS but keeps an SSE stream open past it', async () => {
    t = await startApp({ env: { HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' } });
    const url = t.url;
    const stream = await openStream(`${url}/api/prompts/stream`);
    held.push(stream);
    await stream.until((events) => events.some((e) => e.event === 'snapshot'), 'the snapshot');

    // Opened after the stream: once it is cut, the stream has been open longer than the request timeout.
    const slowBody = await RawConnection.open(url);
    held.push(slowBody);
    slowBody.write(
      `POST /api/prompts HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":`,
    );
    await waitFor(() => slowBody.isClosed, 'the slow body to be cut', 5000);
    expectRefusal(slowBody, 408, /took too long/);

    await request(url).post('/api/prompts').send({ key: 'AFTER_TIMEOUT', text: 'still streaming' }).expect(201);
    await stream.until((events) => events.some((e) => e.data.key === 'AFTER_TIMEOUT'), 'the change made after the request timeout');
    expect(stream.isClosed).toBe(false);
  });
});
