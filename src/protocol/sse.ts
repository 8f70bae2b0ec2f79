import type { StreamEventName } from './events.js';

/**
 * One Server-Sent Events frame. `json` is the payload already serialised:
 * JSON.stringify escapes every newline, so it is always a single `data:` line.
 */
export function sseFrame(id: number, event: StreamEventName, json: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${json}\n\n`;
}

/** The reconnection delay hint, sent once before any event. */
export function sseRetryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}
