import { join } from 'node:path';
import { ChangeFeed } from '../src/changes/change-feed.js';
import { loadConfig } from '../src/config/load-config.js';
import { Metrics } from '../src/metrics/metrics.js';
import { InProcessChangeSignal } from '../src/store/in-process-change.signal.js';
import type { ChangeRecord } from '../src/store/prompt-store.js';
import { SqlitePromptStore } from '../src/store/sqlite/sqlite-prompt.store.js';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js';
import { aPrompt } from './support/factories.js';
import { FlakyChangeLog } from './support/flaky-change-log.js';
import { tempDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';

/**
 * A webhook receiver must never silently miss a revision. The hard case is a
 * gap (a change announced before the ones under it) that the change log
 * cannot fill at once: the feed must wait and retry, never jump ahead.
 */
describe('webhooks when the change log cannot be read', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqlitePromptStore;
  let receiver: WebhookReceiver;
  let feed: ChangeFeed;
  let dispatcher: WebhookDispatcher;

  beforeEach(async () => {
    dir = tempDir();
    store = new SqlitePromptStore(join(dir.path, 'hooks.db'));
    await store.init();
    receiver = await WebhookReceiver.start(SECRET);
  });
  afterEach(async () => {
    await dispatcher.beforeApplicationShutdown();
    await feed.beforeApplicationShutdown();
    await receiver.stop();
    await store.close();
    dir.remove();
  });

  it('delivers every revision, in order, once the log answers again', async () => {
    const log = new FlakyChangeLog(store);
    const signal = new InProcessChangeSignal();
    await signal.start();
    feed = new ChangeFeed(log, signal, undefined, 20);
    const config = loadConfig({ WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET }, []);
    dispatcher = new WebhookDispatcher(feed, config, new Metrics());
    dispatcher.onApplicationBootstrap();
    await feed.onApplicationBootstrap();

    const changes: ChangeRecord[] = [];
    for (let i = 1; i <= 4; i++) {
      const input = aPrompt({ key: 'A', text: `v${i}`, author: 'ops' });
      const out = i === 1 ? await store.create(input) : await store.update(input);
      if (out.ok && out.change) changes.push(out.change);
    }
    log.failures = 3;
    // Concurrent writers can announce out of order: revision 4 arrives first and opens a gap.
    for (const i of [3, 0, 1, 2]) signal.announce(changes[i]);

    await waitFor(() => receiver.received.length === 4, 'four deliveries', 10_000);
    expect(receiver.received.map((r) => Number(r.headers['x-promptcast-revision']))).toEqual([1, 2, 3, 4]);
    expect(receiver.received.map((r) => r.body.text)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(log.reads).toBe(4);
  });
});
