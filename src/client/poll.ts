import { formatEtag } from '../protocol/revision.js';
import { PromptClientAuthError, PromptClientError } from './errors.js';
import { parsePromptList, type SnapshotEvent } from './events.js';
import type { FetchFn } from './types.js';

export type PollResult = { kind: 'not-modified' } | { kind: 'state'; snapshot: SnapshotEvent };

/**
 * One conditional `GET /api/prompts`. `etag` is the revision held, sent as
 * `If-None-Match`, so an unchanged server answers `304` with no body.
 */
export async function pollOnce(
  fetchFn: FetchFn,
  url: URL,
  headers: Record<string, string>,
  revision: number | null,
  signal: AbortSignal,
): Promise<PollResult> {
  const conditional: Record<string, string> = revision === null ? {} : { 'If-None-Match': formatEtag(revision) };
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { Accept: 'application/json', ...headers, ...conditional }, signal });
  } catch (err) {
    throw new PromptClientError('POLL_FAILED', `cannot reach ${url.origin}: ${describeFetchError(err)}`, undefined, { cause: err });
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { kind: 'not-modified' };
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new PromptClientAuthError(response.status, url.origin);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new PromptClientError('POLL_FAILED', `GET ${url.pathname} answered HTTP ${response.status}`, response.status);
  }
  return { kind: 'state', snapshot: parsePromptList(await response.json()) };
}

/** The most useful line from a fetch failure (undici hides the reason in `cause`). */
export function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${(err.cause as NodeJS.ErrnoException).code ?? err.cause.message}` : '';
  return `${err.message}${cause}`;
}
