import { Injectable } from '@nestjs/common';
import { hmacSha256, randomId, randomKey, safeEqual } from '../../common/crypto.js';

/** The cookie that carries the browser's random CSRF id (HttpOnly, SameSite=Strict). */
export const CSRF_COOKIE = 'promptcast_csrf';
/** The hidden form field that carries the token derived from that id. */
export const CSRF_FIELD = '_csrf';

/**
 * Signed double-submit tokens (OWASP's recommended stateless pattern): the
 * browser holds a random id in a cookie, every form carries HMAC(secret, id).
 * A cross-site page can make the browser send the cookie but cannot read it
 * or compute the HMAC, and a cookie planted by a sibling site fails the HMAC.
 * The secret is per process: a restart only means reloading open forms.
 *
 * When the browser is signed in, the token also binds to its session cookie,
 * so a token issued before a login (or to another session) is refused after it.
 */
@Injectable()
export class CsrfTokens {
  private readonly secret = randomKey(32);

  newId(): string {
    return randomId(18);
  }

  /** True for ids this class could have issued (shape only; the HMAC proves the rest). */
  isWellFormed(id: string | undefined): id is string {
    return typeof id === 'string' && /^[A-Za-z0-9_-]{24}$/.test(id);
  }

  tokenFor(id: string, session: string | undefined): string {
    return hmacSha256(this.secret, `${id}\n${session ?? ''}`, 'base64url');
  }

  verify(id: string | undefined, session: string | undefined, token: unknown): boolean {
    if (!this.isWellFormed(id) || typeof token !== 'string') return false;
    return safeEqual(token, this.tokenFor(id, session));
  }
}
