import { parseRevisionToken } from '../protocol/revision.js';

/**
 * The revision a reconnecting client holds, from the `Last-Event-ID` header or
 * (for clients that cannot set headers) `?lastEventId=`; the header wins.
 * Anything that is not a plain decimal revision is treated as absent, which
 * earns the client a snapshot rather than an error: a garbled id must never
 * stop an agent from getting its prompts.
 */
export function parseLastEventId(header: string | undefined, query: string | undefined): number | undefined {
  return parseRevisionToken(header?.trim() || query?.trim());
}
