import { join } from 'node:path';
import { InProcessChangeSignal } from '../src/store/in-process-change.signal.js';
import type { ChangeRecord } from '../src/store/prompt-store.js';
import { SqlitePromptStore } from '../src/store/sqlite/sqlite-prompt.store.js';
import { aPrompt } from './support/factories.js';
import { FlakyChangeLog } from './support/flaky-change-log.js';
import { tempDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';
import { ChangeFeed, type FeedItem } from '../src/changes/change-feed.js';

describe('ChangeFeed', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqlitePromptStore;
  let log: FlakyChangeLog;
  let signal: InProcessChangeSignal;
  let feed: ChangeFeed;
  let items: FeedItem[];

  beforeEach(async () => {
    dir = tempDir();
    store = new SqlitePromptStore(join(dir.path, 'feed.db'));
    await store.init();
    log = new FlakyChangeLog(store);
    signal = new InProcessChangeSignal();
    await signal.start();
    items = [];
  });
  afterEach(async () => {
    await feed.beforeApplicationShutdown();
    await store.close();
    dir.remove();
  });

  async function startFeed(): Promise<void> {
    feed = new ChangeFeed(log, signal, undefined, 10);
    feed.subscribe((item) => items.push(item));
    await feed.onApplicationBootstrap();
  }

  /** Commits `n` changes of key A without announcing them, as concurrent writers racing to announce would leave them. */
  async function commit(n: number): Promise<ChangeRecord[]> {
    const changes: ChangeRecord[] = [];
    for (let i = 0; i < n; i++) {
      const input = aPrompt({ key: 'A', text: `text ${i}`, author: 'test' });
      const out = (await store.revision()) === 0 ? await store.create(input) : await store.update(input);
      if (!out.ok || !out.change) throw new Error('write refused');
      changes.push(out.change);
    }
    return changes;
  }

  const revisions = () => items.map((i) => i.change.revision);

  it('hands on changes announced in order as they are, encoded once, without reading the log', async () => {
    await startFeed();
    const changes = await commit(3);
    changes.forEach((c) => signal.announce(c));
    expect(revisions()).toEqual([1, 2, 3]);
    expect(log.reads).toBe(0);
    expect(feed.revision).toBe(3);
    expect(items[2]).toMatchObject({ event: { event: 'prompt.updated', data: { revision: 3, key: 'A', version: 3, text: 'text 2' } } });
    expect(JSON.parse(items[2].json)).toEqual(items[2].event.data);
    expect(items[2].receivedAt).toEqual(expect.any(Number));
  });

  it('fills a gap from the log and drops the late announcements as duplicates', async () => {
    await startFeed();
    const [c1, c2, c3, c4] = await commit(4);
    signal.announce(c1);
    [c4, c2, c3].forEach((c) => signal.announce(c));
    await waitFor(() => items.length === 4, 'four changes');
    expect(revisions()).toEqual([1, 2, 3, 4]);
    expect(log.reads).toBe(1);
  });

  it('starts after the revision the store held at start: older changes are never handed out', async () => {
    const early = await commit(2);
    await startFeed();
    const [late] = await commit(1);
    [...early, late].forEach((c) => signal.announce(c));
    expect(revisions()).toEqual([3]);
  });

  it('never skips a revision when the log cannot be read: it retries, and every listener gets every change in order', async () => {
    await startFeed();
    const [c1, c2, c3] = await commit(3);
    log.failures = 2;
    [c3, c1, c2].forEach((c) => signal.announce(c));
    await waitFor(() => items.length === 3, 'the gap to be filled once the log answers');
    expect(revisions()).toEqual([1, 2, 3]);
    expect(log.reads).toBe(3);
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    await startFeed();
    feed.subscribe(() => {
      throw new Error('a broken listener');
    });
    const seenAfter: number[] = [];
    feed.subscribe((item) => seenAfter.push(item.change.revision));
    (await commit(2)).forEach((c) => signal.announce(c));
    expect(revisions()).toEqual([1, 2]);
    expect(seenAfter).toEqual([1, 2]);
  });
});
