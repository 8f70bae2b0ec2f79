/** What went wrong, in a form a program can branch on. */
export type PromptClientErrorCode =
  'UNAUTHORIZED' | 'STREAM_FAILED' | 'STREAM_STALLED' | 'POLL_FAILED' | 'BAD_EVENT' | 'CACHE_READ_FAILED' | 'CACHE_WRITE_FAILED' | 'CLOSED';

/** Every error the client reports (through the `error` event or a rejected promise). */
export class PromptClientError extends Error {
  override name = 'PromptClientError';

  constructor(
    readonly code: PromptClientErrorCode,
    message: string,
    /** The HTTP status that caused it, when there was one. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The server refused the credentials (401 or 403). The client stops and does
 * not retry: fix the token and start a new client.
 */
export class PromptClientAuthError extends PromptClientError {
  override name = 'PromptClientAuthError';

  constructor(status: number, url: string) {
    super(
      'UNAUTHORIZED',
      `the prompt server at ${url} refused the token (HTTP ${status}); check PROMPTCAST_TOKEN / the token option. The client has stopped and will not retry.`,
      status,
    );
  }
}
