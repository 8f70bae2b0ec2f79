import type { Frame } from './sse-frames.js';

/** What a batch needs to know about a subscriber to pick its bytes. */
export interface BatchReader {
  readonly lastRevision: number;
  /** Undefined when the subscriber takes every key. */
  readonly keys: ReadonlySet<string> | undefined;
  /** Identical for subscribers with the same keys, so they share one buffer. */
  readonly keysSignature: string;
}

/**
 * The changes of one burst, in revision order. Subscribers with the same keys
 * get the same concatenated buffer: each burst is serialised once and copied
 * at most once per distinct filter, not once per subscriber.
 */
export class FrameBatch {
  private readonly shared = new Map<string, Selection | undefined>();

  constructor(readonly frames: readonly Frame[]) {}

  get lastRevision(): number {
    return this.frames.at(-1)?.revision ?? 0;
  }

  /** The bytes `reader` should get and how many events they hold. */
  selectionFor(reader: BatchReader): Selection | undefined {
    const first = this.frames[0]?.revision ?? 0;
    // A subscriber whose catch-up read ran ahead of the change feed already has some of these.
    if (reader.lastRevision >= first) return pick(this.frames, reader);
    if (!this.shared.has(reader.keysSignature)) this.shared.set(reader.keysSignature, pick(this.frames, reader));
    return this.shared.get(reader.keysSignature);
  }
}

export interface Selection {
  bytes: Buffer;
  /** Events in `bytes`. */
  count: number;
}

type Reader = Pick<BatchReader, 'lastRevision' | 'keys'>;

/** Concatenates the frames after `reader.lastRevision` that match its keys. */
export function select(frames: readonly Frame[], reader: Reader): Buffer | undefined {
  return pick(frames, reader)?.bytes;
}

function pick(frames: readonly Frame[], reader: Reader): Selection | undefined {
  const chosen = frames.filter((f) => f.revision > reader.lastRevision && (!reader.keys || reader.keys.has(f.key)));
  if (chosen.length === 0) return undefined;
  return { bytes: chosen.length === 1 ? chosen[0].bytes : Buffer.concat(chosen.map((f) => f.bytes)), count: chosen.length };
}
