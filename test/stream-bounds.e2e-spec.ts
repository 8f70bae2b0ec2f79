import request from 'supertest';
import { ConnectionRegistry } from '../src/stream/connection-registry.js';
import { StreamHub } from '../src/stream/stream-hub.js';
import { startApp, type TestApp } from './support/app.js';
import { AGENT, authEnv, bearer } from './support/auth.js';
import { sample, scrape } from './support/prometheus.js';
import { PromptsApi } from './support/prompts-api.js';
import { openStream, type SseStream } from './support/sse.js';
import { stalledSubscriber, type StalledSubscriber } from './support/stalled-subscriber.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';

const BOUND = 64 * 1024;
const BIG = 200_000;
/** Small buffer bound, big prompts: a handful of writes is more than a non-reading client may hold. */
const ENV = { STREAM_MAX_BUFFER_BYTES: String(BOUND), PROMPT_MAX_BYTES: '262144' };

const big = (tag: string | number): string => `${tag} ${'x'.repeat(BIG)}`;

describe.each(storeTargets)('stream memory bounds on $name', (target) => {
  let t: TestApp | undefined;
  const stalled: StalledSubscriber[] = [];
  afterEach(async () => {
    stalled.splice(0).forEach((s) => s.destroy());
    await t?.close();
    t = undefined;
  });

  /** The most unsent bytes any stream holds on the server. */
  const worstPending = (): number => Math.max(0, ...(t?.app.get(ConnectionRegistry).list() ?? []).map((c) => c.pendingBytes));

  it('answers a resume from far back with a snapshot when that is smaller, so a client that never reads holds at most the bound', async () => {
    t = await startApp({ target, env: { ...ENV, STREAM_HEARTBEAT_MS: '15000' } });
    const api = new PromptsApi(t.url);
    await api.create('BIG', big(0));
    for (let i = 1; i < 60; i++) await api.update('BIG', big(i));
    const current = await api.revision();
    for (let i = 0; i < 5; i++) stalled.push(await stalledSubscriber(t.url, '/api/prompts/stream', { 'Last-Event-ID': '0' }));
    const registry = t.app.get(ConnectionRegistry);
    await waitFor(() => registry.count === 5 && registry.list().every((c) => c.lastRevision === current), 'five caught-up streams', 30_000);
    // One snapshot of one 200 KB prompt each, not a 12 MB replay: the kernel takes it, nothing waits on the server.
    expect(worstPending()).toBeLessThanOrEqual(BOUND);
  });

  it('ends a stream that makes no progress for two heartbeats while it replays', async () => {
    t = await startApp({ target, env: { ...ENV, STREAM_HEARTBEAT_MS: '100' } });
    const api = new PromptsApi(t.url);
    const hub = t.app.get(StreamHub);
    // A 20 MB snapshot, so that a 12 MB replay is the smaller answer and is chosen.
    for (let k = 0; k < 100; k++) await api.create(`K${k}`, big(k));
    const from = await api.revision();
    for (let i = 0; i < 60; i++) await api.update('K0', big(`u${i}`));
    // On PostgreSQL the feed hears of the writes a little later; frames it delivered during the catch-up would be held.
    const current = await api.revision();
    await waitFor(() => hub.stats().revision === current, 'the change feed to catch up with the writes', 30_000);
    stalled.push(await stalledSubscriber(t.url, '/api/prompts/stream?agent=stalled', { 'Last-Event-ID': String(from) }));
    const registry = t.app.get(ConnectionRegistry);
    await waitFor(() => registry.count === 1, 'the stalled subscriber to register');
    let peak = 0;
    await waitFor(
      () => {
        peak = Math.max(peak, worstPending());
        return registry.count === 0;
      },
      'the stalled replay to be ended',
      30_000,
    );
    expect(peak).toBeLessThanOrEqual(BOUND + 2 * BIG);
    expect(sample(await scrape(t.url), 'promptcast_stream_stalled_drops_total')).toBe(1);
  });

  it('cuts a stream whose live changes held during its catch-up pass the bound; it resumes from where it got to', async () => {
    t = await startApp({ target, env: { ...ENV, STREAM_HEARTBEAT_MS: '15000' } });
    const api = new PromptsApi(t.url);
    for (let k = 0; k < 100; k++) await api.create(`K${k}`, big(k));
    const from = await api.revision();
    for (let i = 0; i < 60; i++) await api.update('K0', big(`u${i}`));
    stalled.push(await stalledSubscriber(t.url, '/api/prompts/stream?agent=stalled', { 'Last-Event-ID': String(from) }));
    const registry = t.app.get(ConnectionRegistry);
    await waitFor(() => registry.count === 1, 'the stalled subscriber to register');
    for (let i = 0; i < 5 && registry.count === 1; i++) await api.update('K1', big(`held ${i}`));
    await waitFor(() => registry.count === 0, 'the subscriber to be cut', 30_000);
    expect(sample(await scrape(t.url), 'promptcast_stream_slow_subscriber_drops_total')).toBe(1);
  });
});

describe('stream slots', () => {
  let t: TestApp | undefined;
  const streams: SseStream[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await t?.close();
    t = undefined;
  });

  it('answers HEAD with the stream headers and no body, without taking a slot', async () => {
    t = await startApp();
    const res = await request(t.url).head('/api/prompts/stream').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(t.app.get(ConnectionRegistry).count).toBe(0);
  });

  it('budgets agent streams per token, not per address: 200 from one address, refused past the token budget', async () => {
    t = await startApp({ env: authEnv({ STREAM_MAX_PER_TOKEN: '200', STREAM_MAX_PER_ADDRESS: '50' }) });
    for (let i = 0; i < 200; i++) streams.push(await openStream(`${t.url}/api/prompts/stream`, { headers: bearer(AGENT.secret) }));
    const refused = await request(t.url).get('/api/prompts/stream').set(bearer(AGENT.secret)).expect(429);
    expect(refused.body.message).toMatch(/token "friday" holds 200 open streams.*STREAM_MAX_PER_TOKEN/);
    expect(refused.headers['retry-after']).toBeDefined();
  });

  it('does not cap a developer on loopback in open mode at the per-address limit', async () => {
    t = await startApp({ env: { STREAM_MAX_PER_ADDRESS: '5' } });
    for (let i = 0; i < 20; i++) streams.push(await openStream(`${t.url}/api/prompts/stream`));
    expect(t.app.get(ConnectionRegistry).count).toBe(20);
  });
});
