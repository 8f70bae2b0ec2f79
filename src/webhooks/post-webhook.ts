import http from 'node:http';
import https from 'node:https';

export interface PostOptions {
  headers: Record<string, string>;
  agent: http.Agent;
  signal: AbortSignal;
  /** The socket may sit idle this long (no bytes either way) before the POST fails. */
  timeoutMs: number;
}

/** POSTs `body` and resolves with the status code once the response has been read; rejects on network errors and timeouts. */
export function postWebhook(url: URL, body: Buffer, options: PostOptions): Promise<number> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'Content-Length': String(body.length) },
        agent: options.agent,
        signal: options.signal,
        timeout: options.timeoutMs,
      },
      (res) => {
        // The answer's body means nothing to us, but it must be read for the socket to be reused.
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.once('error', reject);
    req.end(body);
  });
}
