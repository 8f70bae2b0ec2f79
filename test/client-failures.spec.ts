import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PromptClient, type ClientMode, type PromptChange, type PromptClientOptions } from '../src/client/index.js';
import { tempDir } from './support/temp-dir.js';
import { FakePromptServer } from './support/client/fake-prompt-server.js';
import { FlakyProxy } from './support/client/flaky-proxy.js';
import { TrackingClock } from './support/client/tracking-clock.js';
import { nextEvent } from './support/client/waits.js';
import { waitFor } from './support/wait-for.js';

// How the client behaves when the server refuses, fails, stalls or is not
// there, against the in-memory protocol fake and a 502-answering proxy.
describe('PromptClient under failure', () => {
  const POLL_MS = 37;
  let server: FakePromptServer;
  let clock: TrackingClock;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    server = await FakePromptServer.start();
    clock = new TrackingClock();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await server.close();
  });

  function client(options: Partial<PromptClientOptions> = {}): PromptClient {
    const c = new PromptClient({
      url: server.url,
      clock,
      pollIntervalMs: POLL_MS,
      backoff: { initialMs: 20, maxMs: 100 },
      ...options,
    });
    cleanups.push(() => c.close());
    return c;
  }

  function modes(c: PromptClient): ClientMode[] {
    const seen: ClientMode[] = [];
    c.on('mode', ({ mode }) => seen.push(mode));
    return seen;
  }

  it.each([401, 403] as const)('stops on %i with a clear error, mode offline and no retry loop', async (status) => {
    server.put('A', 'server');
    server.behaviour = status === 401 ? 'refuse-401' : 'refuse-403';
    const c = client({ defaults: { A: 'default' } });
    const error = nextEvent<Error & { code: string }>(c, 'error');
    await expect(c.ready()).rejects.toMatchObject({ name: 'PromptClientAuthError', code: 'UNAUTHORIZED', status });
    expect((await error).message).toMatch(/refused the token.*will not retry/);
    expect(c.status()).toMatchObject({ mode: 'offline', source: 'defaults', stoppedBy: { code: 'UNAUTHORIZED' } });
    expect(c.get('A')).toBe('default');
    expect(clock.pendingDelays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the token is revoked while streaming, keeping the last prompts', async () => {
    server.put('A', 'live');
    const c = client();
    await c.ready();
    server.behaviour = 'refuse-401';
    const error = nextEvent<Error & { code: string }>(c, 'error', (e) => e.code === 'UNAUTHORIZED');
    server.dropStreams();
    await error;
    expect(c.status()).toMatchObject({ mode: 'offline', source: 'server' });
    expect(c.get('A')).toBe('live');
    expect(clock.pendingDelays).toEqual([]);
  });

  it('reconnects when a stream sends headers and then nothing', async () => {
    server.put('A', 'one');
    server.behaviour = 'stall';
    const c = client({ heartbeatMs: 40, readyTimeoutMs: 10_000 });
    const stalled = nextEvent<Error & { code: string }>(c, 'error', (e) => e.code === 'STREAM_STALLED');
    await waitFor(() => server.openStreams === 0 && server.streamRequests().length >= 1, 'the first stream request');
    await stalled;
    server.behaviour = 'normal';
    await expect(c.ready()).resolves.toMatchObject({ source: 'server', prompts: { A: 'one' } });
    expect(server.streamRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('counts an open stream without heartbeats as stalled after 2.5x the heartbeat interval', async () => {
    const c = client({ heartbeatMs: 40 });
    await c.ready();
    const started = Date.now();
    await nextEvent<Error & { code: string }>(c, 'error', (e) => e.code === 'STREAM_STALLED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await waitFor(() => server.streamRequests().length >= 2, 'a new stream');
  });

  it('polls with If-None-Match while a proxy answers 502 for the stream, then streams again and stops polling', async () => {
    const proxy = await FlakyProxy.start(server.url);
    cleanups.push(() => proxy.close());
    server.put('A', 'one');
    const c = client({ url: proxy.url });
    await c.ready();
    const seen = modes(c);
    const changes: PromptChange[] = [];
    c.on('change', (change) => changes.push(change));
    proxy.fail('stream');
    await waitFor(() => c.status().mode === 'polling', 'polling');
    server.put('A', 'two');
    await waitFor(() => c.get('A') === 'two', 'the update through polling');
    await waitFor(() => server.requests.filter((r) => r.headers['if-none-match'] === '"2"').length >= 1, 'a conditional poll');
    proxy.fail('none');
    await waitFor(() => c.status().mode === 'streaming', 'the stream back');
    server.put('A', 'three');
    await waitFor(() => c.get('A') === 'three', 'the update through the stream');
    expect(seen).toEqual(['offline', 'polling', 'streaming']);
    expect(changes.map((ch) => ch.text)).toEqual(['two', 'three']);
    expect(proxy.refused.length).toBeGreaterThan(0);
    expect(clock.pendingDelays).not.toContain(POLL_MS);
  });

  it('goes offline while everything answers 502, keeps its prompts, and recovers', async () => {
    const proxy = await FlakyProxy.start(server.url);
    cleanups.push(() => proxy.close());
    server.put('A', 'one');
    const c = client({ url: proxy.url });
    await c.ready();
    proxy.fail('all');
    await waitFor(() => proxy.refused.some((p) => p === '/api/prompts'), 'a refused poll');
    expect(c.status().mode).toBe('offline');
    expect(c.get('A')).toBe('one');
    server.put('A', 'two');
    proxy.fail('none');
    await waitFor(() => c.status().mode === 'streaming' && c.get('A') === 'two', 'recovery');
  });

  describe('cold start with the server down', () => {
    let port: number;
    let dir: ReturnType<typeof tempDir>;

    beforeEach(async () => {
      port = Number(new URL(server.url).port);
      await server.close();
      dir = tempDir();
      cleanups.push(() => dir.remove());
    });

    async function serverComesUp(c: PromptClient): Promise<void> {
      server = await FakePromptServer.start(port);
      server.put('A', 'from server');
      await waitFor(() => c.status().source === 'server', 'the server state', 15_000);
    }

    it('starts from the cache file, then moves to the server', async () => {
      const cacheFile = join(dir.path, 'prompt-cache.json');
      await writeFile(
        cacheFile,
        JSON.stringify({
          format: 1,
          revision: 7,
          prompts: [{ key: 'A', text: 'from cache', version: 3, updatedAt: '2025-01-01T00:00:00.000Z' }],
        }),
      );
      const logs: string[] = [];
      const c = client({ cacheFile, defaults: { A: 'default' }, debug: (line) => logs.push(line) });
      expect(await c.ready()).toEqual({ source: 'cache', revision: 7, prompts: { A: 'from cache' } });
      expect(logs.some((l) => l.includes('starting from the last-known-good cache'))).toBe(true);
      const change = nextEvent<PromptChange>(c, 'change');
      await serverComesUp(c);
      expect(await change).toMatchObject({ key: 'A', text: 'from server', source: 'server', revision: 1 });
      expect(c.status()).toMatchObject({ source: 'server', mode: 'streaming' });
    });

    it('starts from defaults without a cache, then moves to the server', async () => {
      const logs: string[] = [];
      const c = client({ cacheFile: join(dir.path, 'absent.json'), defaults: { A: 'default' }, debug: (l) => logs.push(l) });
      expect(await c.ready()).toEqual({ source: 'defaults', revision: null, prompts: { A: 'default' } });
      expect(c.status()).toMatchObject({ source: 'defaults', mode: 'offline', revision: null });
      expect(logs.some((l) => l.includes('starting from built-in defaults'))).toBe(true);
      await serverComesUp(c);
      expect(c.get('A')).toBe('from server');
    });
  });

  it('settles ready on defaults when the server does not answer within readyTimeoutMs', async () => {
    server.behaviour = 'stall';
    const c = client({ readyTimeoutMs: 50, defaults: { A: 'default' } });
    expect(await c.ready()).toMatchObject({ source: 'defaults', prompts: { A: 'default' } });
  });

  it('leaves no timer behind after close(), whatever state it was in', async () => {
    server.behaviour = 'fail-502';
    const c = client();
    await c.ready();
    await waitFor(() => server.requests.length >= 3, 'retries and polls');
    expect(clock.pendingDelays.length).toBeGreaterThan(0);
    await c.close();
    expect(clock.pendingDelays).toEqual([]);
    await expect(c.ready()).resolves.toMatchObject({ source: 'defaults' });
  });

  it('rejects ready() when closed before the first state', async () => {
    server.behaviour = 'stall';
    const c = client({ readyTimeoutMs: 10_000 });
    await c.close();
    await expect(c.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(clock.pendingDelays).toEqual([]);
  });
});
