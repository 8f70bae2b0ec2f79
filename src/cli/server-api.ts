import { endpointUrl } from '../client/endpoint.js';

/** A refused request: its HTTP status and the server's `{statusCode, error, message}` body (plus `checks` on a 422). */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The server could not be reached, or the command was used wrongly: exit 2, not a finding. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as `If-Match: "N"`. */
  ifMatch?: number;
  /** A raw body (an import), sent as is with this content type. */
  raw?: { stream: ReadableStream<Uint8Array> | Buffer; type: string };
}

/**
 * The REST API as the CLI calls it: `--url` / PROMPTCAST_URL and `--token` /
 * PROMPTCAST_TOKEN, JSON in and out, and every non-2xx turned into an
 * ApiError carrying the server's message.
 */
export class ServerApi {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
  ) {}

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /** The response itself (a 2xx), for streamed bodies. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    let body: RequestInit['body'];
    if (options.raw) {
      headers['content-type'] = options.raw.type;
      body = options.raw.stream as RequestInit['body'];
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await fetch(this.endpoint(path), { method, headers, body, ...(options.raw ? { duplex: 'half' } : {}) });
    } catch (err) {
      throw new UsageError(
        `cannot reach the server at ${this.url} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}); set --url or PROMPTCAST_URL`,
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { message: text.slice(0, 500) };
    }
    throw new ApiError(
      res.status,
      `${method} ${path}: ${res.status} ${typeof parsed.message === 'string' ? parsed.message : res.statusText}`,
      parsed,
    );
  }

  /** `path` (with its query) under the base URL, keeping any base path. */
  private endpoint(path: string): URL {
    const [pathname, query] = path.split('?', 2);
    const url = endpointUrl(this.url, pathname);
    if (query !== undefined) url.search = query;
    return url;
  }
}

/** `encodeURIComponent` for a key in a path (keys are already URL-safe; this keeps them so). */
export const keyPath = (key: string): string => `/api/prompts/${encodeURIComponent(key)}`;
