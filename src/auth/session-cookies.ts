import { Injectable } from '@nestjs/common';
import { parse } from 'cookie';
import type { CookieOptions, Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { hmacSha256, randomId, safeEqual, sha256 } from '../common/crypto.js';
import { AppConfig } from '../config/app-config.js';
import { SessionRevocations } from './session-revocations.js';
import type { Role } from './scopes.js';
import { TokenRegistry } from './token-registry.js';

/** The admin UI's session cookie: HttpOnly, SameSite=Strict, Secure on HTTPS. */
export const SESSION_COOKIE = 'promptcast_session';

/** `name.expiresAt.id.signature`; a name may itself hold dots, so the fixed-shape tail anchors the parse. */
const COOKIE_SHAPE = /^([A-Za-z0-9_.@-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** What a genuine, unexpired cookie says. */
export interface SessionClaim {
  name: string;
  /** The role of the token the session was made with, as the registry says now. */
  role: Role;
  expiresAt: number;
  id: string;
}

/**
 * Signed sessions: the cookie holds `name.expiresAt.id.signature`, signed
 * with a key derived from that admin token's own secret, so removing or
 * rotating a token ends every session made with it. The random `id` is what
 * a logout revokes: it is recorded in the store (`SessionRevocations`), so
 * a copy of the cookie is refused by every replica from then on. Sessions
 * survive restarts; the only state they need is that list of logouts.
 */
@Injectable()
export class SessionCookies {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
  ) {}

  /** A cookie value for the UI token (admin, editor or viewer) `name`, valid for SESSION_TTL_MS. */
  issue(name: string, now = Date.now()): string | undefined {
    const secret = this.tokens.uiToken(name)?.secret;
    if (!secret) return undefined;
    const body = `${name}.${now + this.config.auth.sessionTtlMs}.${randomId(16)}`;
    return `${body}.${sign(secret, body)}`;
  }

  /** The session a request's cookie vouches for: genuine, unexpired and not logged out. */
  async verify(req: IncomingMessage, now = Date.now()): Promise<SessionClaim | undefined> {
    const claim = this.genuine(req, now);
    return claim && (await this.stillValid(claim, now)) ? claim : undefined;
  }

  /** True while a session verified earlier is unexpired and not logged out: long-lived streams ask again. */
  async stillValid(claim: SessionClaim, now = Date.now()): Promise<boolean> {
    return claim.expiresAt > now && !(await this.revocations.isRevoked(claim.id, claim.expiresAt, now));
  }

  /**
   * Ends the request's session on every replica. A cookie that is forged, expired or
   * absent ends nothing and records nothing, so logging out is always harmless and
   * nobody can fill the store with made-up ids.
   */
  async revoke(req: Request, now = Date.now()): Promise<void> {
    const claim = this.genuine(req, now);
    if (claim) await this.revocations.revoke(claim.id, claim.expiresAt, now);
  }

  /** Secure follows the request: behind a TLS-terminating proxy that needs TRUST_PROXY_HOPS. */
  options(req: Request): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: this.config.auth.sessionTtlMs };
  }

  private genuine(req: IncomingMessage, now: number): SessionClaim | undefined {
    const value = sessionCookieOf(req);
    const m = value ? COOKIE_SHAPE.exec(value) : null;
    if (!m) return undefined;
    const [, name, expires, id, signature] = m;
    const token = this.tokens.uiToken(name);
    if (!token || Number(expires) <= now) return undefined;
    return safeEqual(signature, sign(token.secret, `${name}.${expires}.${id}`))
      ? { name, role: token.role, expiresAt: Number(expires), id }
      : undefined;
  }
}

/** The raw session cookie, unverified (the CSRF token binds to it as it is). */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  return parse(req.headers.cookie ?? '')[SESSION_COOKIE];
}

function sign(secret: string, body: string): string {
  // A key of its own, so a session signature says nothing usable about the bearer secret.
  return hmacSha256(sha256(`promptcast session\0${secret}`), body, 'base64url');
}
