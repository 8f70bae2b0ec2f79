import { encodeChange } from '../changes/change-encoding.js';
import type { ChangeRecord, PromptStore } from '../store/prompt-store.js';
import type { CatchUpGate } from './catch-up-gate.js';
import type { SnapshotFrames } from './snapshot-frames.js';
import { changeFrame, type Frame } from './sse-frames.js';
import type { StreamSession } from './stream-session.js';

/** Changes read from the log per query while replaying: with prompts of up to 32 KB, about 0.5 MB of text at a time. */
const REPLAY_PAGE = 16;

type Log = Pick<PromptStore, 'revision' | 'changesAfter' | 'replaySize' | 'snapshotSize'>;

export interface CatchUpLimits {
  /** A resume further back than this many changes gets a snapshot. */
  maxReplay: number;
  /** A replay carrying more text than this is sent only when it is smaller than the snapshot. */
  maxBufferBytes: number;
}

export interface CatchUpDeps {
  store: Log;
  snapshots: SnapshotFrames;
  gate: CatchUpGate;
}

/**
 * Brings a new connection up to date with its label's view: the changes after
 * its Last-Event-ID when a replay is the better answer, otherwise one snapshot
 * (shared with every connection that asks for the same view at the same
 * moment). Reading and encoding go through the gate; writing waits for the
 * client to read.
 */
export async function catchUp(deps: CatchUpDeps, session: StreamSession, limits: CatchUpLimits): Promise<void> {
  const from = session.subscriber.lastEventId;
  if (from !== undefined && (await deps.gate.run(() => replayWanted(deps.store, session, from, limits))) && (await replay(deps, session, from)))
    return;
  if (session.isClosed) return;
  const snapshot = await deps.gate.run(() => deps.snapshots.frameFor(session.label, session.keys, session.viewSignature));
  await session.writeCatchUp(snapshot.bytes, snapshot.at, snapshot.revision);
}

/**
 * A replay is the answer when `from` is known and not too far back, and it
 * either fits the buffer bound or carries less than a snapshot would: a client
 * that has been away for 500 large edits of one prompt gets that prompt once.
 */
async function replayWanted(store: Log, session: StreamSession, from: number, limits: CatchUpLimits): Promise<boolean> {
  const current = await store.revision();
  if (from > current || current - from > limits.maxReplay) return false;
  const size = await store.replaySize(from);
  return size.textBytes <= limits.maxBufferBytes || size.textBytes <= (await store.snapshotSize(session.label));
}

/**
 * Writes the log after `from` that the session's view takes, page by page, at
 * the pace the client reads. False when the log does not hold every revision
 * after `from` (a change from before the change log existed): the caller then
 * sends a snapshot.
 */
async function replay(deps: CatchUpDeps, session: StreamSession, from: number): Promise<boolean> {
  const current = await deps.store.revision();
  // The client holds `from`: a feed delivery at or below it that arrives late (PostgreSQL
  // notifies after the commit, so it can trail this read) must not reach it a second time.
  await session.writeCatchUp(undefined, from, from);
  for (let after = from; after < current && !session.isClosed;) {
    const page = await deps.gate.run(() => readPage(deps.store, session, after));
    if (!page) return false;
    for (const frame of page.frames) await session.writeCatchUp(frame.bytes, frame.revision, frame.revision);
    after = page.last;
    await session.writeCatchUp(undefined, after, 0);
  }
  return true;
}

/** One page of the log after `after`, framed for this session's view; undefined when the log has a hole there. */
async function readPage(store: Log, session: StreamSession, after: number): Promise<{ frames: Frame[]; last: number } | undefined> {
  if (session.isClosed) return { frames: [], last: after };
  const page = await store.changesAfter(after, REPLAY_PAGE);
  if (!isContiguous(page, after)) return undefined;
  const frames = page.flatMap((c) => {
    const frame = changeFrame(encodeChange(c));
    return frame && frame.labels.has(session.label) && (!session.keys || session.keys.has(c.key)) ? [frame] : [];
  });
  return { frames, last: page[page.length - 1].revision };
}

/** Every revision after `after` is there, in order: a hole means a snapshot instead. */
function isContiguous(page: readonly ChangeRecord[], after: number): boolean {
  return page.length > 0 && page.every((c, i) => c.revision === after + 1 + i);
}
