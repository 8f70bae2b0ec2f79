/** One encoded answer: a view's body at one revision, ready to write. */
export interface EncodedView {
  revision: number;
  etag: string;
  body: Buffer;
}

/** Views kept. Each distinct (label, keys, format) a fleet polls is one; a fleet polls a handful. */
export const ENCODED_VIEWS_MAX = 256;
/** Bytes kept across all of them: 1,000 prompts of 2 KB are a 2 MB body, so this holds a dozen of those. */
export const ENCODED_VIEWS_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The encoded bodies of the views pollers read, one per (label, keys filter,
 * format) at the revision it was built for, least recently used first out, so a
 * `200` for an unchanged view is a buffer write instead of a store read and a
 * JSON encoding. A view that moved on is rebuilt on its next read and replaces
 * its entry: a stale body is never served, because an entry is used only for
 * the revision the store says the view is at now. Bounded in count and bytes,
 * so a client naming ever new `?keys=` filters cannot make it grow.
 */
export class EncodedViews {
  private readonly entries = new Map<string, EncodedView>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = ENCODED_VIEWS_MAX,
    private readonly maxBytes = ENCODED_VIEWS_MAX_BYTES,
  ) {}

  /** The body of view `id` at `revision`, if built. */
  get(id: string, revision: number): EncodedView | undefined {
    const found = this.entries.get(id);
    if (found?.revision !== revision) return undefined;
    this.entries.delete(id);
    this.entries.set(id, found);
    return found;
  }

  set(id: string, view: EncodedView): void {
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.bytes -= old.body.length;
    }
    // A body larger than a quarter of the budget would evict the rest for itself: it is served, not kept.
    if (view.body.length > this.maxBytes / 4) return;
    this.entries.set(id, view);
    this.bytes += view.body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}
