import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { bodyLimitBytes, type LimitsConfig } from '../config/app-config.js';

export const NOT_UTF8 = 'request body is not valid UTF-8';

type BodyKind = 'json' | 'form';

/** What the body parser does with a verify error: `status` and `expose` make it a 4xx whose message is shown. */
type ClientError = Error & { status: number; expose: true; type: string };

export interface BodyParserOptions {
  limit: number;
  verify: (req: IncomingMessage, res: unknown, body: Buffer, encoding: string | null) => void;
}

/**
 * The options of every body parser, JSON and forms: the size limit and the
 * UTF-8 check. body-parser decodes leniently (a byte that is not UTF-8
 * becomes U+FFFD, and qs keeps a value whose escapes do not decode as the
 * literal `%FF`), so the text would be changed silently on save; its
 * `verify` hook sees the raw bytes first and refuses them with a 400.
 */
export function bodyParserOptions(limits: LimitsConfig, kind: BodyKind): BodyParserOptions {
  return {
    limit: bodyLimitBytes(limits),
    verify: (_req, _res, body, encoding) => {
      // JSON may declare UTF-16 or UTF-32 and a form ISO-8859-1; the bytes checked here, and every client, are UTF-8.
      if (encoding !== 'utf-8') throw clientError(415, 'charset.unsupported', 'request body charset is not supported; send UTF-8');
      if (!isUtf8(kind === 'form' ? percentDecoded(body) : body)) throw clientError(400, 'entity.verify.failed', NOT_UTF8);
    },
  };
}

/** A form body with its `%XX` escapes turned into the bytes they stand for (field values are UTF-8 once decoded). */
function percentDecoded(raw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x25 /* % */) {
      out[n++] = raw[i];
      continue;
    }
    const hex = raw.toString('latin1', i + 1, i + 3);
    // qs would keep the whole value undecoded ("%E2%82%AC%ZZ" stays as typed): another silent change.
    if (!/^[0-9A-Fa-f]{2}$/.test(hex))
      throw clientError(400, 'entity.verify.failed', 'request body is not a valid form: a "%" not followed by two hex digits');
    out[n++] = parseInt(hex, 16);
    i += 2;
  }
  return out.subarray(0, n);
}

function clientError(status: number, type: string, message: string): ClientError {
  return Object.assign(new Error(message), { status, expose: true as const, type });
}
