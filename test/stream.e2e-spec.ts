import { startApp, type TestApp } from './support/app.js';
import { storeTargets } from './support/store-targets.js';
import { PromptsApi } from './support/prompts-api.js';
import { openStream, readEvents, type SseEvent } from './support/sse.js';

const ids = (events: SseEvent[]): number[] => events.map((e) => Number(e.id));
const kinds = (events: SseEvent[]): string[] => events.map((e) => e.event);

describe.each(storeTargets)('GET /api/prompts/stream on $name: protocol', (target) => {
  let t: TestApp;
  let api: PromptsApi;
  let streamUrl: string;

  beforeEach(async () => {
    t = await startApp({ target });
    api = new PromptsApi(t.url);
    streamUrl = `${t.url}/api/prompts/stream`;
  });
  afterEach(() => t.close());

  it('is served as an event stream with a jittered retry hint, not captured by GET /api/prompts/:key', async () => {
    const stream = await openStream(streamUrl);
    await stream.changesUntil(1);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toBe('no-cache, no-transform');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.retry).toBeGreaterThanOrEqual(t.config.stream.retryMinMs);
    expect(stream.retry).toBeLessThanOrEqual(t.config.stream.retryMaxMs);
    await stream.close();
  });

  it('carries nosniff but none of the document-only security headers, which other responses keep', async () => {
    const stream = await openStream(`${t.url}/API/prompts/stream/`);
    await stream.changesUntil(1);
    expect(stream.headers['x-content-type-options']).toBe('nosniff');
    expect(stream.headers['content-security-policy']).toBeUndefined();
    expect(stream.headers['x-frame-options']).toBeUndefined();
    await stream.close();
    // The poll's successful answers skip them too (the fast path, docs/decisions.md); its errors and other routes keep them.
    const other = await fetch(`${t.url}/api/prompts/NO_SUCH_KEY`);
    expect(other.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(other.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('refuses "stream" as a prompt key, since that path is the stream', async () => {
    const res = await fetch(`${t.url}/api/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'Stream', text: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/stream/);
  });

  it('answers a malformed ?keys= with a 400 that says what is wrong', async () => {
    const res = await fetch(`${streamUrl}?keys=A,,B`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/keys must be a comma-separated list/);
  });

  it('sends a snapshot with the current revision and all prompts, then one prompt.updated per change', async () => {
    await api.create('A', 'alpha');
    const b = await api.create('B', 'beta');
    const stream = await openStream(streamUrl);
    const [snapshot] = await stream.changesUntil(1);
    expect(snapshot).toMatchObject({ event: 'snapshot', id: String(b.revision) });
    expect(snapshot.data).toEqual({
      revision: b.revision,
      prompts: {
        A: { text: 'alpha', version: 1, updatedAt: expect.any(String), variables: {} },
        B: { text: 'beta', version: 1, updatedAt: expect.any(String), variables: {} },
      },
    });
    const written = await api.update('A', 'alpha two');
    const [, update] = await stream.changesUntil(2);
    expect(update).toMatchObject({ event: 'prompt.updated', id: String(b.revision + 1) });
    expect(update.data).toEqual({
      revision: b.revision + 1,
      key: 'A',
      version: 2,
      text: 'alpha two',
      updatedAt: expect.any(String),
      author: 'anonymous',
      variables: {},
      labels: ['production'],
      kind: 'update',
    });
    expect(written.revision).toBe(b.revision + 1);
    expect(stream.changes).toHaveLength(2);
    await stream.close();
  });

  it('resumes from Last-Event-ID with exactly the changes after it, in order, and no snapshot', async () => {
    await api.create('A', 'one');
    await api.create('B', 'bee');
    const [snapshot] = await readEvents(streamUrl, 1);
    const r = Number(snapshot.id);
    await api.update('A', 'two');
    await api.remove('B');
    await api.rollback('A', 1);
    const events = await readEvents(streamUrl, 3, { headers: { 'Last-Event-ID': String(r) } });
    expect(kinds(events)).toEqual(['prompt.updated', 'prompt.deleted', 'prompt.updated']);
    expect(ids(events)).toEqual([r + 1, r + 2, r + 3]);
    expect(events[1].data).toEqual({ revision: r + 2, key: 'B', labels: ['production'], kind: 'delete' });
    expect(events[2].data).toMatchObject({ key: 'A', version: 1, text: 'one', kind: 'rollback' });
  });

  it('takes the resume point from ?lastEventId= for clients that cannot set headers', async () => {
    const a = await api.create('A');
    await api.update('A', 'later');
    const [event] = await readEvents(`${streamUrl}?lastEventId=${a.revision}`, 1);
    expect(event).toMatchObject({ event: 'prompt.updated', id: String(a.revision + 1) });
  });

  it('stays live after a resume that had nothing to replay', async () => {
    const a = await api.create('A');
    const stream = await openStream(streamUrl, { headers: { 'Last-Event-ID': String(a.revision) } });
    await api.update('A', 'next');
    const [event] = await stream.changesUntil(1);
    expect(event).toMatchObject({ event: 'prompt.updated', id: String(a.revision + 1) });
    await stream.close();
  });

  it.each([
    ['garbage', () => 'not-a-number'],
    ['negative', () => '-1'],
    ['fractional', () => '1.5'],
    ['future', (current: number) => String(current + 5)],
  ])('sends a snapshot for a %s Last-Event-ID', async (_, idFor) => {
    await api.create('A', 'kept');
    const current = await api.revision();
    const [event] = await readEvents(streamUrl, 1, { headers: { 'Last-Event-ID': idFor(current) } });
    expect(event).toMatchObject({ event: 'snapshot', id: String(current), data: { revision: current, prompts: { A: { text: 'kept' } } } });
  });

  it('limits prompt events and the snapshot to ?keys=, deletes included, with global ids', async () => {
    await api.create('A');
    await api.create('C');
    const url = `${streamUrl}?keys=A,B`;
    const stream = await openStream(url);
    const [snapshot] = await stream.changesUntil(1);
    expect(Object.keys(snapshot.data.prompts as object)).toEqual(['A']);
    const b = await api.create('B');
    await api.update('C', 'not for us');
    await api.remove('C');
    await api.remove('A');
    const events = (await stream.changesUntil(3)).slice(1);
    expect(kinds(events)).toEqual(['prompt.updated', 'prompt.deleted']);
    expect(events.map((e) => e.data.key)).toEqual(['B', 'A']);
    expect(ids(events)).toEqual([b.revision, b.revision + 3]);
    await stream.close();
    const resumed = await readEvents(url, 1, { headers: { 'Last-Event-ID': String(b.revision) } });
    expect(resumed).toMatchObject([{ event: 'prompt.deleted', id: String(b.revision + 3), data: { key: 'A' } }]);
  });
});

describe.each(storeTargets)('GET /api/prompts/stream on $name: replay limits and heartbeat', (target) => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('sends a snapshot when Last-Event-ID is further back than STREAM_RETENTION changes', async () => {
    t = await startApp({ target, env: { STREAM_RETENTION: '2' } });
    const api = new PromptsApi(t.url);
    const first = await api.create('A', 'v1');
    for (let i = 2; i <= 5; i++) await api.update('A', `v${i}`);
    const [event] = await readEvents(`${t.url}/api/prompts/stream`, 1, { headers: { 'Last-Event-ID': String(first.revision) } });
    expect(event).toMatchObject({ event: 'snapshot', data: { revision: first.revision + 4, prompts: { A: { text: 'v5', version: 5 } } } });
    const [replayed] = await readEvents(`${t.url}/api/prompts/stream`, 1, { headers: { 'Last-Event-ID': String(first.revision + 3) } });
    expect(replayed).toMatchObject({ event: 'prompt.updated', id: String(first.revision + 4) });
  });

  it('sends a named heartbeat whose id and revision are what the stream has delivered', async () => {
    t = await startApp({ target, env: { STREAM_HEARTBEAT_MS: '10' } });
    const api = new PromptsApi(t.url);
    const a = await api.create('A');
    const stream = await openStream(`${t.url}/api/prompts/stream`);
    await stream.until((es) => es.some((e) => e.event === 'heartbeat'), 'a heartbeat');
    await api.update('A', 'moved on');
    const after = (events: SseEvent[]): SseEvent[] => {
      const i = events.findIndex((e) => e.event === 'prompt.updated');
      return i < 0 ? [] : events.slice(i);
    };
    const events = await stream.until((es) => after(es).some((e) => e.event === 'heartbeat'), 'a heartbeat after the update');
    const beats = events.filter((e) => e.event === 'heartbeat');
    expect(beats[0]).toEqual({ event: 'heartbeat', id: String(a.revision), data: { revision: a.revision } });
    expect(beats.at(-1)).toEqual({ event: 'heartbeat', id: String(a.revision + 1), data: { revision: a.revision + 1 } });
    await stream.close();
  });

  it('counts a resume point with nothing to replay as delivered: heartbeats carry it', async () => {
    t = await startApp({ target, env: { STREAM_HEARTBEAT_MS: '10' } });
    const a = await new PromptsApi(t.url).create('A');
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: { 'Last-Event-ID': String(a.revision) } });
    const [beat] = await stream.until((es) => es.length > 0, 'a heartbeat');
    expect(beat).toEqual({ event: 'heartbeat', id: String(a.revision), data: { revision: a.revision } });
    await stream.close();
  });
});

describe.each(storeTargets)('GET /api/prompts/stream on $name: durable replay', (target) => {
  it('resumes from Last-Event-ID after the server restarts on the same store', async () => {
    const first = await startApp({ target });
    const api = new PromptsApi(first.url);
    await api.create('A', 'before');
    const [snapshot] = await readEvents(`${first.url}/api/prompts/stream`, 1);
    const r = Number(snapshot.id);
    await api.update('A', 'one');
    await api.create('B', 'two');
    await api.remove('A');
    await first.stop();
    const second = await startApp({ store: first.store });
    try {
      const events = await readEvents(`${second.url}/api/prompts/stream`, 3, { headers: { 'Last-Event-ID': String(r) } });
      expect(kinds(events)).toEqual(['prompt.updated', 'prompt.updated', 'prompt.deleted']);
      expect(ids(events)).toEqual([r + 1, r + 2, r + 3]);
      expect(events.map((e) => e.data.key)).toEqual(['A', 'B', 'A']);
    } finally {
      await second.stop();
      await first.store.cleanup();
    }
  });
});
