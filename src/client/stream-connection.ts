import { EventSource, type ErrorEvent } from 'eventsource';
import { STREAM_EVENTS } from '../protocol/events.js';
import { describeFetchError } from './poll.js';
import type { FetchFn } from './types.js';

export interface StreamHandlers {
  /** The server answered 200 with `text/event-stream`. */
  onOpen(): void;
  /** One named event, as received. */
  onEvent(type: string, data: string): void;
  /** The connection failed or ended; reported at most once, never after `close()`. */
  onFailure(failure: StreamFailure): void;
}

export interface StreamFailure {
  /** The HTTP status when the server answered with something other than a stream. */
  status: number | undefined;
  message: string;
}

/** One SSE connection attempt; a new one is made for every reconnect. */
export interface StreamConnection {
  close(): void;
}

/**
 * Opens one EventSource connection and hands every outcome to `handlers`.
 *
 * The `eventsource` package retries dropped connections itself after a fixed
 * delay, and gives up for good on a non-200 answer. The client wants one
 * policy for both, so any error ends this connection and the caller decides
 * when to make the next one.
 */
export function openStream(url: URL, headers: Record<string, string>, fetchFn: FetchFn, handlers: StreamHandlers): StreamConnection {
  let done = false;
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetchFn(input, { ...init, headers: { ...init.headers, ...headers } }).catch((err: unknown) => {
        // eventsource reports only "fetch failed"; keep the reason (ECONNREFUSED...). Aborts stay aborts.
        throw err instanceof Error && err.name === 'AbortError' ? err : new Error(describeFetchError(err));
      }),
  });
  const close = () => {
    done = true;
    source.close();
  };
  source.addEventListener('open', () => {
    if (!done) handlers.onOpen();
  });
  for (const type of STREAM_EVENTS) {
    source.addEventListener(type, (event: MessageEvent) => {
      if (!done) handlers.onEvent(type, String(event.data));
    });
  }
  source.addEventListener('error', (event: ErrorEvent) => {
    if (done) return;
    close();
    // ordering: on a dropped connection eventsource arms its own retry timer
    // right after this handler returns; closing again once it has clears it.
    queueMicrotask(() => source.close());
    handlers.onFailure({ status: event.code, message: event.message ?? 'the stream ended' });
  });
  return { close };
}
