import { createParser } from 'eventsource-parser';
import { EventEmitter, once } from 'node:events';
import { get, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/** One parsed SSE event; `data` is the JSON payload. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

export interface StreamOptions {
  headers?: Record<string, string>;
  /** How long any single wait may take before it fails the test. Defaults to 5000 ms. */
  timeoutMs?: number;
}

/**
 * A live SSE connection that records every event. Waits resolve on events,
 * never on time; the timeout only turns a hang into a clear failure.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  /** The `retry:` hint the server sent, if any. */
  retry: number | undefined;
  /** Resolves when the server ends or drops the stream. */
  readonly ended: Promise<void>;
  private readonly signal = new EventEmitter();

  constructor(
    private readonly res: IncomingMessage,
    private readonly timeoutMs: number,
  ) {
    const parser = createParser({
      onEvent: (e) => {
        this.events.push({ event: e.event ?? 'message', id: e.id, data: JSON.parse(e.data) as Record<string, unknown> });
        this.signal.emit('change');
      },
      onRetry: (ms) => {
        this.retry = ms;
      },
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    this.ended = new Promise((resolve) =>
      res.once('close', () => {
        this.signal.emit('change');
        resolve();
      }),
    );
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers;
  }

  /** Events other than heartbeats: what a client applies. */
  get changes(): SseEvent[] {
    return this.events.filter((e) => e.event !== 'heartbeat');
  }

  get isClosed(): boolean {
    return this.res.destroyed || this.res.complete;
  }

  /** Resolves with all events once `done(events)` holds; rejects if the stream ends first or on timeout. */
  async until(done: (events: SseEvent[]) => boolean, what = 'condition'): Promise<SseEvent[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done(this.events)) finish(() => resolve(this.events));
        else if (this.isClosed) finish(() => reject(new Error(`stream ended before ${what}; got ${this.describe()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}; got ${this.describe()}`))), this.timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.signal.off('change', check);
        settle();
      };
      this.signal.on('change', check);
      check();
    });
  }

  /** Resolves with the first `n` non-heartbeat events. */
  async changesUntil(n: number): Promise<SseEvent[]> {
    await this.until(() => this.changes.length >= n, `${n} events`);
    return this.changes.slice(0, n);
  }

  /** Closes from the client side and waits until the socket is gone. */
  async close(): Promise<void> {
    if (this.res.destroyed) return;
    const closed = once(this.res, 'close');
    this.res.destroy();
    await closed;
  }

  private describe(): string {
    return JSON.stringify(this.events.map((e) => `${e.event}#${e.id}`));
  }
}

/** Opens a stream on its own socket and resolves once the response headers arrive. */
export function openStream(url: string, options: StreamOptions = {}): Promise<SseStream> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { Accept: 'text/event-stream', ...options.headers }, agent: false });
    req.once('response', (res) => resolve(new SseStream(res, timeoutMs)));
    req.once('error', reject);
  });
}

/** Opens a stream, resolves with its first `n` non-heartbeat events, and closes it. */
export async function readEvents(url: string, n: number, options: StreamOptions = {}): Promise<SseEvent[]> {
  const stream = await openStream(url, options);
  try {
    return await stream.changesUntil(n);
  } finally {
    await stream.close();
  }
}
