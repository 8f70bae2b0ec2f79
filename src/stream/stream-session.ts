import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { StreamBudget } from '../auth/stream-budget.js';
import { pick, type BatchReader, type FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

/** Who is subscribed: what the registry shows the admin UI and /health. */
export interface ConnectionInfo {
  id: string;
  remoteAddress: string;
  /** From `?agent=` or the `X-Agent-Id` header; empty when the client gave none. */
  agent: string;
  connectedSince: string;
  /** The label whose view it follows. */
  label: string;
  /** The revision of its view it has been sent up to (what its heartbeats carry). */
  lastRevision: number;
  /** The global revision it has been brought up to: every change up to it was sent or is not in its view. */
  coveredRevision: number;
  /** Bytes written for it that it has not read yet (held by the server). */
  pendingBytes: number;
  /** True for the admin UI's own pages (proved by session or ticket, see AdminUiStreams), which are not agents. */
  adminUi: boolean;
}

export interface Subscriber {
  id: string;
  remoteAddress: string;
  agent: string;
  /** The label whose view it follows (`?label=`, default production). */
  label: string;
  keys: ReadonlySet<string> | undefined;
  lastEventId: number | undefined;
  adminUi: boolean;
  /** Whose stream slots this one uses (STREAM_MAX_PER_TOKEN / STREAM_MAX_PER_ADDRESS). */
  budget: StreamBudget;
  /** For a stream opened with an admin UI session: whether that session still holds (not logged out, not expired). */
  stillAllowed?: () => Promise<boolean>;
}

export type CloseReason = 'client' | 'slow' | 'stalled' | 'revoked' | 'shutdown' | 'error';

/**
 * One open stream. It starts catching up (live changes are held back while the
 * snapshot or replay is written) and then goes live. What the server holds for
 * it is bounded by `maxBufferBytes` in every phase:
 * - catch-up writes wait for the client to read whenever more than the bound
 *   is unsent (a large snapshot goes out in slices of at most the bound);
 * - live changes held during the catch-up may not pass the bound: past it the
 *   stream is cut and the client resumes from what it got;
 * - a live write past the bound cuts the stream (a slow subscriber);
 * - a stream with unsent bytes that makes no progress for two heartbeat
 *   intervals is ended (`checkProgress`), whatever its phase.
 * A cut client loses nothing: it resumes by Last-Event-ID.
 */
export class StreamSession implements BatchReader {
  /**
   * The global revision this stream has been brought up to: every change up to
   * it was sent, or is not in its view. Held and live frames at or below it are
   * not sent again.
   */
  coveredRevision = 0;
  /**
   * The revision of its view it has been sent up to: the id of the last event
   * written (or where it resumed from). Heartbeats carry it, so a client that
   * resumes from a heartbeat can never skip a change of its view, and a poll
   * with it as If-None-Match matches the view's ETag while nothing changed.
   */
  lastRevision = 0;
  closeReason: CloseReason = 'client';
  readonly viewSignature: string;
  readonly connectedSince = new Date();
  private state: 'catching-up' | 'live' | 'closed' = 'catching-up';
  private held: Frame[] = [];
  private heldBytes = 0;
  /** The socket's bytesWritten at the last progress check, and how many checks in a row saw none. */
  private progress = { written: -1, idleChecks: 0 };

  constructor(
    readonly subscriber: Subscriber,
    private readonly res: ServerResponse,
    private readonly maxBufferBytes: number,
  ) {
    this.viewSignature = `${subscriber.label}:${subscriber.keys ? [...subscriber.keys].sort().join(',') : '*'}`;
  }

  get keys(): ReadonlySet<string> | undefined {
    return this.subscriber.keys;
  }

  get label(): string {
    return this.subscriber.label;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  info(): ConnectionInfo {
    const { id, remoteAddress, agent, adminUi, label } = this.subscriber;
    return {
      id,
      remoteAddress,
      agent,
      connectedSince: this.connectedSince.toISOString(),
      label,
      lastRevision: this.lastRevision,
      coveredRevision: this.coveredRevision,
      pendingBytes: this.res.writableLength,
      adminUi,
    };
  }

  /**
   * Writes catch-up bytes with flow control: at most `maxBufferBytes` at a
   * time, waiting for the client to read whenever more than that is unsent.
   * Then the stream counts as brought up to `covered` (global) and, in its
   * view, to `delivered` (the id of what was written). Resolves once written,
   * or at once when the stream is closed.
   */
  async writeCatchUp(bytes: Buffer | undefined, covered: number, delivered: number): Promise<void> {
    for (let at = 0; bytes && at < bytes.length && !this.isClosed; at += this.maxBufferBytes) {
      await this.room();
      if (!this.isClosed) this.res.write(bytes.subarray(at, at + this.maxBufferBytes));
    }
    if (this.isClosed) return;
    this.coveredRevision = Math.max(this.coveredRevision, covered);
    this.lastRevision = Math.max(this.lastRevision, delivered);
  }

  /** Ends the stream once the session it was opened with no longer holds (a logout on any replica, or expiry). */
  async recheck(): Promise<void> {
    const { stillAllowed } = this.subscriber;
    if (!stillAllowed || this.isClosed) return;
    // Fail closed: a session that cannot be checked is not trusted to keep a stream open.
    if (!(await stillAllowed().catch(() => false))) this.drop('revoked');
  }

  /**
   * Ends the stream when it has had unsent bytes and sent none of them since
   * the last check, twice in a row: called once per heartbeat interval.
   */
  checkProgress(): void {
    const written = this.res.socket?.bytesWritten ?? 0;
    if (this.res.writableLength === 0 || written !== this.progress.written) {
      this.progress = { written, idleChecks: 0 };
      return;
    }
    this.progress.idleChecks += 1;
    if (this.progress.idleChecks >= 2) this.drop('stalled');
  }

  /** Returns how many events it wrote: none while catching up (they are held) or once closed. */
  deliver(batch: FrameBatch): number {
    if (this.state === 'catching-up') {
      this.hold(batch.frames);
      return 0;
    }
    if (this.state === 'closed') return 0;
    const selection = batch.selectionFor(this);
    this.coveredRevision = Math.max(this.coveredRevision, batch.lastRevision);
    if (!selection || !this.send(selection.bytes)) return 0;
    this.lastRevision = Math.max(this.lastRevision, selection.lastRevision);
    return selection.count;
  }

  /** Writes what arrived during catch-up and was not already covered by it. */
  goLive(): void {
    if (this.state !== 'catching-up') return;
    const selection = pick(this.held, this);
    this.coveredRevision = Math.max(this.coveredRevision, this.held.at(-1)?.revision ?? 0);
    this.held = [];
    this.heldBytes = 0;
    this.state = 'live';
    if (selection && this.send(selection.bytes)) this.lastRevision = Math.max(this.lastRevision, selection.lastRevision);
  }

  heartbeat(frameFor: (revision: number) => Buffer): void {
    if (this.state === 'live') this.send(frameFor(this.lastRevision));
  }

  markClosed(): void {
    this.state = 'closed';
    this.held = [];
    this.heldBytes = 0;
  }

  /** Ends the stream cleanly (shutdown): the client reconnects, elsewhere if need be. */
  end(): void {
    if (this.state === 'closed') return;
    this.closeReason = 'shutdown';
    // Closed first: a catch-up still running must not write after the end.
    this.markClosed();
    this.res.end();
  }

  /** Cuts the connection at once, without flushing what the client did not read. */
  drop(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    this.markClosed();
    this.res.destroy();
  }

  /** Keeps the live frames of its view back during the catch-up, within the bound; past it the client is cut and resumes. */
  private hold(frames: readonly Frame[]): void {
    const mine = frames.filter((f) => f.labels.has(this.label) && (!this.keys || this.keys.has(f.key)));
    for (const frame of mine) this.heldBytes += frame.bytes.length;
    if (this.heldBytes > this.maxBufferBytes) return this.drop('slow');
    this.held.push(...mine);
  }

  /** Resolves once at most `maxBufferBytes` are unsent, or the stream is gone. */
  private async room(): Promise<void> {
    while (!this.isClosed && this.res.writableLength > this.maxBufferBytes) {
      // The listener that did not fire is removed: a long catch-up must not pile them up.
      const done = new AbortController();
      const { signal } = done;
      await Promise.race([once(this.res, 'drain', { signal }), once(this.res, 'close', { signal })]);
      done.abort();
    }
  }

  private send(bytes: Buffer): boolean {
    if (this.res.writableLength > this.maxBufferBytes) {
      this.drop('slow');
      return false;
    }
    this.res.write(bytes);
    return true;
  }
}
