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

/**
 * `render` was asked for a prompt whose required variables (declared with no
 * default) were not all given. Nothing was rendered: the placeholder never
 * reaches a model, so the caller never hears "{{caller_name}}".
 */
export class MissingVariableError extends Error {
  override name = 'MissingVariableError';

  constructor(
    readonly key: string,
    /** The variables missing, in order of first use. */
    readonly variables: readonly string[],
  ) {
    super(
      `prompt "${key}" needs ${variables.map((v) => `{{${v}}}`).join(', ')}: pass ${variables.length === 1 ? 'it' : 'them'} to render(), or declare a default`,
    );
  }
}
