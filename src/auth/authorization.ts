import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { RequestActor } from './actor.decorator.js';
import { ALL_SCOPES, ROLE_SCOPES, type Scope } from './scopes.js';
import { SessionCookies } from './session-cookies.js';
import { TokenRegistry } from './token-registry.js';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** What the one authorization rule says of a request to a route that needs `scope`. */
export type Decision =
  | { kind: 'allowed'; actor: RequestActor }
  /** 401 "who are you?": `challenge` is the WWW-Authenticate value (RFC 6750). */
  | { kind: 'unauthorized'; message: string; challenge: string }
  /** 403 "you may not". */
  | { kind: 'forbidden'; actor: RequestActor; message: string };

/**
 * Who is calling, and whether they may: the rule the global AuthGuard applies
 * to every framework route and the fast path (src/fast-path/) to the hot
 * routes it answers ahead of Express. Both call these two functions, so the
 * rule has one copy. It reads only the raw request (headers), so it runs on a
 * bare `IncomingMessage` as well as an Express request.
 */
@Injectable()
export class Authorization {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly sessions: SessionCookies,
  ) {}

  /** The caller (bearer token, else admin session cookie, else anonymous when open), or why there is none (the 401 message). */
  async identify(req: IncomingMessage, address: string | null): Promise<RequestActor | string> {
    // Open (loopback only): a client configured with a token still gets in.
    if (this.tokens.open) return { author: 'anonymous', address, scopes: ALL_SCOPES, via: 'open' };
    const header = req.headers.authorization;
    if (header !== undefined) {
      const secret = BEARER.exec(header)?.[1];
      if (!secret) return 'the Authorization header must be "Bearer <token>"';
      const token = this.tokens.find(secret);
      if (!token) return 'unknown token';
      return { author: token.name, address, scopes: ROLE_SCOPES[token.role], via: 'token' };
    }
    const session = await this.sessions.verify(req);
    if (session) return { author: session.name, address, scopes: ROLE_SCOPES[session.role], via: 'session', session };
    return 'authentication required: send "Authorization: Bearer <token>", or log in at /login';
  }
}

/** Whether `identified` (what `identify` found) may use a route that needs `scope`. */
export function authorize(identified: RequestActor | string, scope: Scope): Decision {
  if (typeof identified === 'string') {
    // RFC 6750: a challenge on every 401, naming the error when a token was offered.
    const error = identified === 'unknown token' ? ', error="invalid_token"' : '';
    return { kind: 'unauthorized', message: identified, challenge: `Bearer realm="promptcast"${error}` };
  }
  if (identified.scopes.includes(scope)) return { kind: 'allowed', actor: identified };
  return { kind: 'forbidden', actor: identified, message: `token "${identified.author}" does not have the "${scope}" scope this needs` };
}
