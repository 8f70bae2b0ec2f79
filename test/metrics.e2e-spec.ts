import request from 'supertest';
import { PromptStore } from '../src/store/prompt-store.js';
import { startApp, type TestApp } from './support/app.js';
import { parsePrometheus, sample, scrape, type Samples } from './support/prometheus.js';
import { openStream, type SseStream } from './support/sse.js';
import { waitFor } from './support/wait-for.js';

const PUBLISHED = 'promptcast_stream_events_published_total';
const DELIVERED = 'promptcast_stream_events_delivered_total';
const LATENCY_COUNT = 'promptcast_stream_publish_to_flush_seconds_count';
const HTTP_COUNT = 'promptcast_http_request_duration_seconds_count';

describe('/metrics', () => {
  let app: TestApp;
  let streams: SseStream[] = [];

  beforeEach(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    await Promise.all(streams.map((s) => s.close()));
    streams = [];
    await app.close();
  });

  async function until(what: string, cond: (m: Samples) => boolean): Promise<Samples> {
    let last: Samples = new Map();
    await waitFor(async () => cond((last = await scrape(app.url))), what);
    return last;
  }

  it('is Prometheus text with every promptcast family and the default process metrics', async () => {
    const res = await request(app.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    const samples = parsePrometheus(res.text);
    for (const family of [
      'promptcast_stream_subscribers',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ])
      expect(samples.has(family)).toBe(true);
    // The check is strict: a malformed line or an untyped family fails it.
    expect(() => parsePrometheus('# TYPE a counter\na{x="1"} one')).toThrow(/line 2/);
    expect(() => parsePrometheus('b 1')).toThrow(/no # TYPE/);
    for (const help of [
      PUBLISHED,
      DELIVERED,
      'promptcast_stream_publish_to_flush_seconds',
      'promptcast_stream_slow_subscriber_drops_total',
      'promptcast_http_request_duration_seconds',
      'promptcast_poll_responses_total',
      'promptcast_store_errors_total',
      'promptcast_webhook_deliveries_total',
      'promptcast_webhook_failures_total',
      'promptcast_webhook_dropped_total',
    ]) {
      expect(res.text).toContain(`# TYPE ${help} `);
    }
  });

  it('counts subscribers, events published by type, events delivered per subscriber and publish→flush latency', async () => {
    streams = await Promise.all([0, 1].map(() => openStream(`${app.url}/api/prompts/stream`)));
    await until('two subscribers', (m) => sample(m, 'promptcast_stream_subscribers') === 2);
    await Promise.all(streams.map((s) => s.changesUntil(1)));

    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    await request(app.url).put('/api/prompts/A').send({ text: 'two' }).expect(200);
    await request(app.url).delete('/api/prompts/A').expect(204);
    await Promise.all(streams.map((s) => s.changesUntil(4)));

    const m = await until('three events flushed', (s) => sample(s, LATENCY_COUNT) === 3);
    expect(sample(m, PUBLISHED, { type: 'prompt.updated' })).toBe(2);
    expect(sample(m, PUBLISHED, { type: 'prompt.deleted' })).toBe(1);
    expect(sample(m, DELIVERED)).toBe(6);
    expect(sample(m, 'promptcast_stream_publish_to_flush_seconds_sum')).toBeGreaterThan(0);

    await Promise.all(streams.map((s) => s.close()));
    await until('no subscribers', (s) => sample(s, 'promptcast_stream_subscribers') === 0);
  });

  it('counts 304 and 200 answers on the poll endpoint', async () => {
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    await request(app.url).get('/api/prompts').expect(200);
    await request(app.url).get('/api/prompts').set('If-None-Match', '"1"').expect(304);
    await request(app.url).get('/api/prompts').set('If-None-Match', '"1"').expect(304);
    const m = await scrape(app.url);
    expect(sample(m, 'promptcast_poll_responses_total', { status: '200' })).toBe(1);
    expect(sample(m, 'promptcast_poll_responses_total', { status: '304' })).toBe(2);
  });

  it('times HTTP requests by route template, never by raw URL', async () => {
    await request(app.url).post('/api/prompts').send({ key: 'SOME_KEY', text: 'one' }).expect(201);
    await request(app.url).put('/api/prompts/SOME_KEY').send({ text: 'two' }).expect(200);
    await request(app.url).get('/api/prompts/OTHER_KEY').expect(404);
    await request(app.url).get('/no/such/path-12345').expect(404);
    const res = await request(app.url).get('/metrics').expect(200);
    const m = parsePrometheus(res.text);
    expect(sample(m, HTTP_COUNT, { method: 'PUT', route: '/api/prompts/:key', status: '200' })).toBe(1);
    expect(sample(m, HTTP_COUNT, { method: 'GET', route: '/api/prompts/:key', status: '404' })).toBe(1);
    expect(sample(m, HTTP_COUNT, { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    expect(res.text).not.toMatch(/SOME_KEY|OTHER_KEY|path-12345/);
  });

  it('counts store calls that throw, by operation', async () => {
    await app.app.get(PromptStore).close();
    await request(app.url).get('/api/prompts').expect(500);
    const m = await scrape(app.url);
    expect(sample(m, 'promptcast_store_errors_total', { operation: 'viewRevision' })).toBe(1);
  });

  it('keeps each app on its own registry', async () => {
    const other = await startApp();
    try {
      await request(other.url).get('/api/prompts').expect(200);
      expect(sample(await scrape(other.url), 'promptcast_poll_responses_total', { status: '200' })).toBe(1);
      expect(sample(await scrape(app.url), 'promptcast_poll_responses_total', { status: '200' })).toBe(0);
    } finally {
      await other.close();
    }
  });
});
