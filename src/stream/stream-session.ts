import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { select, type BatchReader, type FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

/** Who is subscribed: what the registry shows the admin UI and /health. */
export interface ConnectionInfo {
  id: string;
  remoteAddress: string;
  /** From `?agent=` or the `X-Agent-Id` header; empty when the client gave none. */
  agent: string;
  connectedSince: string;
  /** The revision this connection has been brought up to. */
  lastRevision: number;
}

export interface Subscriber {
  id: string;
  remoteAddress: string;
  agent: string;
  keys: ReadonlySet<string> | undefined;
  lastEventId: number | undefined;
}

export type CloseReason = 'client' | 'slow' | 'shutdown' | 'error';

/**
 * One open stream. It starts catching up (live changes are held back while the
 * snapshot or replay is written) and then goes live. Live writes are bounded:
 * a subscriber that leaves more than `maxBufferBytes` unread is disconnected
 * and will resume by Last-Event-ID, instead of the server buffering for it.
 */
export class StreamSession implements BatchReader {
  lastRevision = 0;
  closeReason: CloseReason = 'client';
  readonly keysSignature: string;
  readonly connectedSince = new Date();
  private state: 'catching-up' | 'live' | 'closed' = 'catching-up';
  private held: Frame[] = [];

  constructor(
    readonly subscriber: Subscriber,
    private readonly res: ServerResponse,
    private readonly maxBufferBytes: number,
  ) {
    this.keysSignature = subscriber.keys ? [...subscriber.keys].sort().join(',') : '*';
  }

  get keys(): ReadonlySet<string> | undefined {
    return this.subscriber.keys;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  info(): ConnectionInfo {
    const { id, remoteAddress, agent } = this.subscriber;
    return { id, remoteAddress, agent, connectedSince: this.connectedSince.toISOString(), lastRevision: this.lastRevision };
  }

  /** Catch-up writes are not bounded here; the catch-up waits on `drained()` instead. */
  writeCatchUp(bytes: Buffer | undefined, revision: number): void {
    if (this.state === 'closed') return;
    if (bytes) this.res.write(bytes);
    this.lastRevision = Math.max(this.lastRevision, revision);
  }

  /** Resolves once unread bytes are back under the bound, or the connection is gone. */
  async drained(): Promise<void> {
    if (this.state === 'closed' || this.res.writableLength <= this.maxBufferBytes) return;
    await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
  }

  /** Returns how many events it wrote: none while catching up (they are held) or once closed. */
  deliver(batch: FrameBatch): number {
    if (this.state === 'catching-up') {
      this.held.push(...batch.frames);
      return 0;
    }
    if (this.state === 'closed') return 0;
    const selection = batch.selectionFor(this);
    this.lastRevision = Math.max(this.lastRevision, batch.lastRevision);
    return selection && this.send(selection.bytes) ? selection.count : 0;
  }

  /** Writes what arrived during catch-up and was not already covered by it. */
  goLive(): void {
    if (this.state !== 'catching-up') return;
    const bytes = select(this.held, this);
    this.lastRevision = Math.max(this.lastRevision, this.held.at(-1)?.revision ?? 0);
    this.held = [];
    this.state = 'live';
    if (bytes) this.send(bytes);
  }

  heartbeat(frameFor: (revision: number) => Buffer): void {
    if (this.state === 'live') this.send(frameFor(this.lastRevision));
  }

  markClosed(): void {
    this.state = 'closed';
    this.held = [];
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

  private send(bytes: Buffer): boolean {
    if (this.res.writableLength > this.maxBufferBytes) {
      this.drop('slow');
      return false;
    }
    this.res.write(bytes);
    return true;
  }
}
