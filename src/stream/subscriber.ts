import { randomUUID } from 'node:crypto';
import type { StreamBudget } from '../auth/stream-budget.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { keySet } from '../protocol/prompts.js';
import { parseLastEventId } from './last-event-id.js';
import type { Subscriber } from './stream-session.js';
import type { StreamQuery } from './stream-query.dto.js';

export interface StreamRequest {
  lastEventId: string | undefined;
  agentId: string | undefined;
  remoteAddress: string | undefined;
  adminUi: boolean;
  budget: StreamBudget;
  stillAllowed?: () => Promise<boolean>;
}

/** Who is connecting and what they asked for, from the query and headers of one request. */
export function toSubscriber(query: StreamQuery, request: StreamRequest): Subscriber {
  return {
    id: randomUUID(),
    remoteAddress: request.remoteAddress ?? 'unknown',
    agent: cleanAgentName(query.agent ?? request.agentId ?? ''),
    label: query.label ?? DEFAULT_LABEL,
    keys: keySet(query.keys),
    lastEventId: parseLastEventId(request.lastEventId, query.lastEventId),
    adminUi: request.adminUi,
    budget: request.budget,
    stillAllowed: request.stillAllowed,
  };
}

// The name goes into log lines and the admin UI: printable, one line, bounded.
function cleanAgentName(raw: string): string {
  return raw
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 128);
}
