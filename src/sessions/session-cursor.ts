import { SESSION_ID_PATTERN } from '../protocol/sessions.js';

/**
 * The `before` cursor of `GET /api/sessions`: the (startedAt, sessionId) of
 * the last session of a page, base64url-encoded so it is opaque to clients
 * and needs no escaping in a query string.
 */
export interface SessionCursor {
  startedAt: string;
  sessionId: string;
}

/** Longest cursor accepted: a 24-character time, a separator and a 128-character id, encoded. */
export const SESSION_CURSOR_MAX_LENGTH = 216;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(c: SessionCursor): string {
  return Buffer.from(`${c.startedAt}|${c.sessionId}`, 'utf8').toString('base64url');
}

/** The cursor, or undefined when `raw` is not one this server handed out. */
export function decodeCursor(raw: string): SessionCursor | undefined {
  if (raw.length > SESSION_CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const startedAt = text.slice(0, bar);
  const sessionId = text.slice(bar + 1);
  if (bar < 0 || !ISO_MS.test(startedAt) || !Number.isFinite(Date.parse(startedAt)) || !SESSION_ID_PATTERN.test(sessionId)) return undefined;
  return { startedAt, sessionId };
}
