import type { Frame } from './sse-frames.js';

/** What a batch needs to know about a subscriber to pick its bytes. */
export interface BatchReader {
  /** The revision the subscriber has been brought up to: frames at or below it are not for it. */
  readonly coveredRevision: number;
  /** The label whose view it follows. */
  readonly label: string;
  /** Undefined when the subscriber takes every key. */
  readonly keys: ReadonlySet<string> | undefined;
  /** Identical for subscribers with the same label and keys, so they share one buffer. */
  readonly viewSignature: string;
}

/**
 * The changes of one burst, in revision order. Subscribers with the same view
 * (label and keys) get the same concatenated buffer: each burst is serialised
 * once and copied at most once per distinct view, not once per subscriber.
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
    if (reader.coveredRevision >= first) return pick(this.frames, reader);
    if (!this.shared.has(reader.viewSignature)) this.shared.set(reader.viewSignature, pick(this.frames, reader));
    return this.shared.get(reader.viewSignature);
  }
}

export interface Selection {
  bytes: Buffer;
  /** Events in `bytes`. */
  count: number;
  /** The revision of the last of them. */
  lastRevision: number;
}

type Reader = Pick<BatchReader, 'coveredRevision' | 'label' | 'keys'>;

/** Concatenates the frames after `reader.coveredRevision` that its view takes. */
export function pick(frames: readonly Frame[], reader: Reader): Selection | undefined {
  const chosen = frames.filter((f) => f.revision > reader.coveredRevision && f.labels.has(reader.label) && (!reader.keys || reader.keys.has(f.key)));
  if (chosen.length === 0) return undefined;
  const bytes = chosen.length === 1 ? chosen[0].bytes : Buffer.concat(chosen.map((f) => f.bytes));
  return { bytes, count: chosen.length, lastRevision: chosen[chosen.length - 1].revision };
}
