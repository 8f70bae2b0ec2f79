import { ChangeFeed } from '../src/changes/change-feed.js';
import { ConnectionRegistry } from '../src/stream/connection-registry.js';
import { StreamHub } from '../src/stream/stream-hub.js';
import { PromptStore } from '../src/store/prompt-store.js';
import { startApp, type TestApp } from './support/app.js';
import { storeTargets } from './support/store-targets.js';
import { PromptsApi } from './support/prompts-api.js';
import { openStream, type SseEvent } from './support/sse.js';
import { sample, scrape } from './support/prometheus.js';
import { stalledSubscriber } from './support/stalled-subscriber.js';
import { waitFor } from './support/wait-for.js';

/** What one connection of the race test started from and received. */
interface Seen {
  /** Which reconnect loop made the connection; -1 for the final catch-up reads. */
  loop: number;
  from: number | undefined;
  events: SseEvent[];
}

describe.each(storeTargets)('GET /api/prompts/stream on $name: delivery under load', (target) => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('gives every client a gap-free, duplicate-free sequence while writes race its connect', async () => {
    t = await startApp({ target });
    const api = new PromptsApi(t.url);
    const keys = ['K0', 'K1', 'K2', 'K3'];
    for (const key of keys) await api.create(key);
    let writing = true;
    const writes = Promise.all(
      keys.map(async (key) => {
        for (let i = 0; i < 40; i++) await api.update(key, `${key} #${i}`);
      }),
    ).finally(() => {
      writing = false;
    });
    const seen: Seen[] = [];
    const url = `${t.url}/api/prompts/stream`;
    await Promise.all([writes, ...[0, 1, 2, 3].map((loop) => reconnectLoop(url, loop, () => writing, writes, seen))]);
    const final = await api.revision();
    await Promise.all([0, 1, 2, 3].map(async (loop) => catchUpTo(url, lastIdOf(seen, loop), final, seen)));

    const log = await t.app.get(PromptStore).changesAfter(0, 10_000);
    expect(seen.length).toBeGreaterThan(8);
    for (const s of seen)
      expectGapFree(
        s,
        log.map((c) => ({ revision: c.revision, key: c.key })),
      );
  });

  it('drops a subscriber that stops reading once it is over the byte bound, while the others keep receiving', async () => {
    t = await startApp({ target, env: { STREAM_MAX_BUFFER_BYTES: '65536', PROMPT_MAX_BYTES: '262144' } });
    const api = new PromptsApi(t.url);
    const hub = t.app.get(StreamHub);
    const registry = t.app.get(ConnectionRegistry);
    const start = await api.create('BIG', 'small');
    const reader = await openStream(`${t.url}/api/prompts/stream`);
    await reader.changesUntil(1);
    const stalled = await stalledSubscriber(t.url, '/api/prompts/stream?agent=stalled');
    await waitFor(() => registry.list().some((c) => c.agent === 'stalled'), 'the stalled subscriber to register');

    const big = 'x'.repeat(200_000);
    let updates = 0;
    while (hub.stats().slowDropped === 0) {
      if (updates === 300) throw new Error('300 large updates (60 MB) did not push the stalled subscriber over 64 KiB');
      await api.update('BIG', `${updates} ${big}`);
      updates += 1;
    }
    await stalled.readToEnd();
    expect(sample(await scrape(t.url), 'promptcast_stream_slow_subscriber_drops_total')).toBe(1);
    const events = await reader.changesUntil(1 + updates);
    expect(events.slice(1).map((e) => Number(e.id))).toEqual(Array.from({ length: updates }, (_, i) => start.revision + 1 + i));
    expect(registry.list().map((c) => c.agent)).toEqual(['']);
    await reader.close();
  });

  it('lists each subscriber, and once they disconnect holds no session, feed listener or timer for them', async () => {
    t = await startApp({ target });
    const api = new PromptsApi(t.url);
    const registry = t.app.get(ConnectionRegistry);
    const hub = t.app.get(StreamHub);
    const feed = t.app.get(ChangeFeed);
    const listenersBefore = feed.listenerCount;
    const a = await api.create('A');
    expect(hub.stats()).toMatchObject({ subscribers: 0, heartbeatActive: false });

    const alpha = await openStream(`${t.url}/api/prompts/stream?agent=alpha`);
    const beta = await openStream(`${t.url}/api/prompts/stream`, { headers: { 'X-Agent-Id': 'beta' } });
    await Promise.all([alpha.changesUntil(1), beta.changesUntil(1)]);
    const listed = registry.list().sort((x, y) => x.agent.localeCompare(y.agent));
    expect(listed).toEqual(
      ['alpha', 'beta'].map((agent) => ({
        id: expect.any(String),
        agent,
        remoteAddress: expect.stringContaining('127.0.0.1'),
        connectedSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        label: 'production',
        lastRevision: a.revision,
        // Brought up to the store's revision: nothing is waiting for it.
        coveredRevision: a.revision,
        pendingBytes: expect.any(Number),
        adminUi: false,
      })),
    );
    expect(listed[0].id).not.toBe(listed[1].id);
    expect(hub.stats()).toMatchObject({ subscribers: 2, heartbeatActive: true });
    expect(feed.listenerCount).toBe(listenersBefore);

    await Promise.all([alpha.close(), beta.close()]);
    await waitFor(() => registry.count === 0, 'the registry to empty');
    expect(registry.list()).toEqual([]);
    expect(hub.stats()).toMatchObject({ subscribers: 0, heartbeatActive: false });
    expect(feed.listenerCount).toBe(listenersBefore);
  });

  it('ends open streams on close, releases the change feed, and does not hang', async () => {
    const app = await startApp({ target });
    t = app;
    const feed = app.app.get(ChangeFeed);
    const hub = app.app.get(StreamHub);
    const streams = await Promise.all([1, 2, 3].map(() => openStream(`${app.url}/api/prompts/stream`)));
    await Promise.all(streams.map((s) => s.changesUntil(1)));
    t = undefined;
    await app.close();
    await Promise.all(streams.map((s) => s.ended));
    expect(hub.stats()).toMatchObject({ subscribers: 0, heartbeatActive: false });
    expect(feed.listenerCount).toBe(0);
  });
});

/** Connects, reads a few events, disconnects, and again, resuming or not, for as long as writes go on. */
async function reconnectLoop(url: string, loop: number, writing: () => boolean, writes: Promise<unknown>, seen: Seen[]): Promise<void> {
  let from: number | undefined;
  for (let n = 0; writing(); n++) {
    const stream = await openStream(url, from === undefined ? {} : { headers: { 'Last-Event-ID': String(from) } });
    const wanted = 1 + ((loop + n) % 4) + (from === undefined ? 1 : 0);
    const enough = stream.until(() => stream.changes.length >= wanted, `${wanted} events`);
    // When the writes end first, fewer events come; what did come is still checked.
    enough.catch(() => undefined);
    await Promise.race([enough, writes]);
    await stream.close();
    seen.push({ loop, from, events: stream.changes });
    const lastId = stream.changes.at(-1)?.id;
    // Every third connection starts afresh with a snapshot; the others resume.
    from = n % 3 === 2 ? undefined : lastId === undefined ? from : Number(lastId);
  }
}

function lastIdOf(seen: Seen[], loop: number): number | undefined {
  const mine = seen.filter((s) => s.loop === loop);
  const id = mine.at(-1)?.events.at(-1)?.id;
  return id === undefined ? mine.at(-1)?.from : Number(id);
}

async function catchUpTo(url: string, from: number | undefined, final: number, seen: Seen[]): Promise<void> {
  const stream = await openStream(url, from === undefined ? {} : { headers: { 'Last-Event-ID': String(from) } });
  await stream.until(() => Number(stream.changes.at(-1)?.id ?? from) >= final, `revision ${final}`);
  await stream.close();
  seen.push({ loop: -1, from, events: stream.changes });
}

/** The received prompt events are exactly the log's changes after the starting point, in order. */
function expectGapFree(s: Seen, log: { revision: number; key: string }[]): void {
  // A connection closed because the writes ended before its first event arrived received nothing: nothing to check.
  if (s.events.length === 0) return;
  const [head, ...rest] = s.events;
  const startsWithSnapshot = s.from === undefined;
  if (startsWithSnapshot) expect(head?.event).toBe('snapshot');
  const changes = startsWithSnapshot ? rest : s.events;
  expect(changes.every((e) => e.event.startsWith('prompt.'))).toBe(true);
  const start = startsWithSnapshot ? Number(head.id) : (s.from as number);
  const received = changes.map((e) => ({ revision: Number(e.id), key: e.data.key }));
  const end = received.at(-1)?.revision ?? start;
  expect(received).toEqual(log.filter((c) => c.revision > start && c.revision <= end));
}
