import { randomUUID } from 'node:crypto';
import { parseLastEventId } from './last-event-id.js';
import type { Subscriber } from './stream-session.js';
import type { StreamQuery } from './stream-query.dto.js';

export interface StreamRequestHeaders {
  lastEventId: string | undefined;
  agentId: string | undefined;
  remoteAddress: string | undefined;
}

/** Who is connecting and what they asked for, from the query and headers of one request. */
export function toSubscriber(query: StreamQuery, headers: StreamRequestHeaders): Subscriber {
  const keys = query.keys?.split(',').map((k) => k.trim());
  return {
    id: randomUUID(),
    remoteAddress: headers.remoteAddress ?? 'unknown',
    agent: cleanAgentName(query.agent ?? headers.agentId ?? ''),
    keys: keys ? new Set(keys) : undefined,
    lastEventId: parseLastEventId(headers.lastEventId, query.lastEventId),
  };
}

// The name goes into log lines and the admin UI: printable, one line, bounded.
function cleanAgentName(raw: string): string {
  return raw
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 128);
}
