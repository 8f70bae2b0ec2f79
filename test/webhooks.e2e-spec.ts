import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { freePort } from './support/free-port.js';
import { sample, scrape } from './support/prometheus.js';
import { openStream } from './support/sse.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'test-webhook-secret-0123456789';
const FAST_RETRIES = { WEBHOOK_BACKOFF_MS: '10', WEBHOOK_BACKOFF_MAX_MS: '100', WEBHOOK_MAX_ATTEMPTS: '1000' };

function webhookEnv(urls: string[], extra: Record<string, string> = {}): Record<string, string> {
  return { WEBHOOK_URLS: urls.join(','), WEBHOOK_SECRET: SECRET, ...FAST_RETRIES, ...extra };
}

const revisionsOf = (r: WebhookReceiver) => r.received.map((x) => Number(x.headers['x-promptcast-revision']));

/** Timers alive in this process; the app must leave none of its own behind. */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe.each(storeTargets)('webhooks on $name', (target) => {
  let app: TestApp | undefined;
  let receivers: WebhookReceiver[] = [];

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await Promise.all(receivers.map((r) => r.stop()));
    receivers = [];
  });

  async function write(): Promise<void> {
    const url = (app as TestApp).url;
    await request(url).post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    await request(url).put('/api/prompts/A').send({ text: 'two' }).expect(200);
    await request(url).post('/api/prompts/A/rollback').send({ version: 1 }).expect(200);
    await request(url).delete('/api/prompts/A').expect(204);
  }

  it("POSTs every change, signed, in revision order, to every receiver, with the stream's payloads", async () => {
    receivers = await Promise.all([0, 1].map(() => WebhookReceiver.start(SECRET)));
    app = await startApp({ target, env: webhookEnv(receivers.map((r) => r.url)) });
    const stream = await openStream(`${app.url}/api/prompts/stream`);
    await stream.changesUntil(1);
    await write();
    const events = (await stream.changesUntil(5)).slice(1);
    await stream.close();

    for (const receiver of receivers) {
      await waitFor(() => receiver.received.length === 4, 'four deliveries');
      expect(revisionsOf(receiver)).toEqual([1, 2, 3, 4]);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      expect(receiver.received.map((r) => r.headers['x-promptcast-event'])).toEqual(events.map((e) => e.event));
      expect(receiver.received.map((r) => r.body)).toEqual(events.map((e) => e.data));
      expect(receiver.received[0].headers['content-type']).toBe('application/json');
    }
    const m = await scrape(app.url);
    expect(sample(m, 'promptcast_webhook_deliveries_total', { target: receivers[0].url })).toBe(4);
  });

  it('retries while the receiver is down and delivers everything, in order, once it is back on the same port', async () => {
    const port = await freePort();
    app = await startApp({ target, env: webhookEnv([`http://127.0.0.1:${port}/hook`]) });
    await write();
    const hook = `http://127.0.0.1:${port}/hook`;
    await waitFor(
      async () => sample(await scrape((app as TestApp).url), 'promptcast_webhook_failures_total', { target: hook, reason: 'network' }) >= 3,
      'failed attempts against the closed port',
    );

    receivers = [await WebhookReceiver.start(SECRET, port)];
    await waitFor(() => receivers[0].received.length === 4, 'the queued deliveries after the receiver came back');
    expect(revisionsOf(receivers[0])).toEqual([1, 2, 3, 4]);
    expect(receivers[0].received.every((r) => r.signatureValid)).toBe(true);
    expect(Number(receivers[0].received[0].headers['x-promptcast-attempt'])).toBeGreaterThan(1);
  });

  it('gives a delivery up after WEBHOOK_MAX_ATTEMPTS and moves on to the next', async () => {
    receivers = [await WebhookReceiver.start(SECRET)];
    receivers[0].answer = (r) => (r.headers['x-promptcast-revision'] === '1' ? 500 : 204);
    app = await startApp({ target, env: webhookEnv([receivers[0].url], { WEBHOOK_MAX_ATTEMPTS: '3' }) });
    await write();
    await waitFor(() => receivers[0].received.filter((r) => r.headers['x-promptcast-revision'] === '4').length === 1, 'the last delivery');
    expect(revisionsOf(receivers[0])).toEqual([1, 1, 1, 2, 3, 4]);
    const m = await scrape(app.url);
    expect(sample(m, 'promptcast_webhook_failures_total', { target: receivers[0].url, reason: 'status' })).toBe(3);
    expect(sample(m, 'promptcast_webhook_dropped_total', { target: receivers[0].url, reason: 'gave_up' })).toBe(1);
  });

  it('never holds up writes; over WEBHOOK_QUEUE_MAX it drops the oldest waiting delivery', async () => {
    receivers = [await WebhookReceiver.start(SECRET)];
    receivers[0].hold();
    app = await startApp({ target, env: webhookEnv([receivers[0].url], { WEBHOOK_QUEUE_MAX: '2' }) });
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'v1' }).expect(201);
    await waitFor(() => receivers[0].received.length === 1, 'the first delivery to arrive and be held');
    // The receiver answers nothing, yet every write completes.
    for (let v = 2; v <= 5; v++)
      await request(app.url)
        .put('/api/prompts/A')
        .send({ text: `v${v}` })
        .expect(200);
    const hook = receivers[0].url;
    await waitFor(
      async () => sample(await scrape((app as TestApp).url), 'promptcast_webhook_dropped_total', { target: hook, reason: 'queue_full' }) === 2,
      'two deliveries dropped from the full queue',
    );
    receivers[0].release();
    await waitFor(() => receivers[0].received.length === 3, 'the rest of the queue');
    expect(revisionsOf(receivers[0])).toEqual([1, 4, 5]);
  });

  it('shuts down mid-retry and mid-request leaving no timer behind', async () => {
    const before = timers();
    receivers = [await WebhookReceiver.start(SECRET)];
    receivers[0].hold();
    const port = await freePort();
    app = await startApp({
      target,
      env: webhookEnv([receivers[0].url, `http://127.0.0.1:${port}/down`], { WEBHOOK_BACKOFF_MS: '60000', WEBHOOK_BACKOFF_MAX_MS: '60000' }),
    });
    await write();
    await waitFor(() => receivers[0].received.length === 1, 'a delivery in flight');
    // At least one failure: with full jitter a retry may come early, and a second failure also means one is waiting.
    await waitFor(
      async () =>
        sample(await scrape((app as TestApp).url), 'promptcast_webhook_failures_total', {
          target: `http://127.0.0.1:${port}/down`,
          reason: 'network',
        }) >= 1,
      'a delivery waiting to retry',
    );
    await app.close();
    app = undefined;
    await waitFor(() => timers() <= before, `timers back to ${before}`);
  });
});
