import { Injectable } from '@nestjs/common';
import { parse } from 'cookie';
import type { CookieOptions, Request } from 'express';
import { hmacSha256, safeEqual, sha256 } from '../common/crypto.js';
import { AppConfig } from '../config/app-config.js';
import { TokenRegistry } from './token-registry.js';

/** The admin UI's session cookie: HttpOnly, SameSite=Strict, Secure on HTTPS. */
export const SESSION_COOKIE = 'promptcast_session';

/**
 * Stateless signed sessions: the cookie holds `name.expiresAt.signature`,
 * signed with a key derived from that admin token's own secret. So sessions
 * survive restarts and work across replicas without a shared store, and
 * removing or rotating a token ends every session made with it.
 */
@Injectable()
export class SessionCookies {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly config: AppConfig,
  ) {}

  /** A cookie value for the admin token `name`, valid for SESSION_TTL_MS. */
  issue(name: string, now = Date.now()): string | undefined {
    const secret = this.tokens.adminSecret(name);
    if (!secret) return undefined;
    const body = `${name}.${now + this.config.auth.sessionTtlMs}`;
    return `${body}.${sign(secret, body)}`;
  }

  /** The admin token name a request's session cookie vouches for, if it is genuine and unexpired. */
  verify(req: Request, now = Date.now()): string | undefined {
    const value = sessionCookieOf(req);
    const m = value ? /^([A-Za-z0-9_.@-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!m) return undefined;
    const [, name, expires, signature] = m;
    const secret = this.tokens.adminSecret(name);
    if (!secret || Number(expires) <= now) return undefined;
    return safeEqual(signature, sign(secret, `${name}.${expires}`)) ? name : undefined;
  }

  /** Secure follows the request: behind a TLS-terminating proxy that needs TRUST_PROXY_HOPS. */
  options(req: Request): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: this.config.auth.sessionTtlMs };
  }
}

/** The raw session cookie, unverified (the CSRF token binds to it as it is). */
export function sessionCookieOf(req: Request): string | undefined {
  return parse(req.headers.cookie ?? '')[SESSION_COOKIE];
}

function sign(secret: string, body: string): string {
  // A key of its own, so a session signature says nothing usable about the bearer secret.
  return hmacSha256(sha256(`promptcast session\0${secret}`), body, 'base64url');
}
