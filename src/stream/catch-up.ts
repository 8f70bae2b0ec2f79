import { encodeChange } from '../changes/change-encoding.js';
import type { PromptStore } from '../store/prompt-store.js';
import { select } from './frame-batch.js';
import { changeFrame, snapshotFrame } from './sse-frames.js';
import type { StreamSession } from './stream-session.js';

/** Changes read from the log per query while replaying; bounds memory for a long replay. */
const REPLAY_PAGE = 500;

type Log = Pick<PromptStore, 'revision' | 'changesAfter' | 'snapshot'>;

/**
 * Brings a new connection up to date: the changes after its Last-Event-ID
 * when they are at most `maxReplay` changes back, otherwise one snapshot.
 */
export async function catchUp(store: Log, session: StreamSession, maxReplay: number): Promise<void> {
  const from = session.subscriber.lastEventId;
  if (from !== undefined && (await replay(store, session, from, maxReplay))) return;
  if (session.isClosed) return;
  const snapshot = await store.snapshot();
  session.writeCatchUp(snapshotFrame(snapshot, session.keys), snapshot.revision);
}

/**
 * Writes the log after `from`, page by page, waiting for the client to read
 * between pages. False when a replay is not the answer: `from` is ahead of the
 * store, further back than `maxReplay` (a snapshot is cheaper), or the log does
 * not hold it (a revision from before the change log existed). The caller then
 * sends a snapshot.
 */
async function replay(store: Log, session: StreamSession, from: number, maxReplay: number): Promise<boolean> {
  const current = await store.revision();
  if (from > current || current - from > maxReplay) return false;
  // The client holds `from`: a feed delivery at or below it that arrives late (PostgreSQL
  // notifies after the commit, so it can trail this read) must not reach it a second time.
  session.writeCatchUp(undefined, from);
  let after = from;
  while (after < current && !session.isClosed) {
    const page = await store.changesAfter(after, REPLAY_PAGE);
    // Every revision must be there: a hole (a change older than the audit trail) means a snapshot instead.
    if (page.length === 0 || page.some((c, i) => c.revision !== after + 1 + i)) return false;
    const bytes = select(
      page.map((c) => changeFrame(encodeChange(c))),
      { lastRevision: after, keys: session.keys },
    );
    after = page.at(-1)?.revision ?? after;
    session.writeCatchUp(bytes, after);
    await session.drained();
  }
  return true;
}
