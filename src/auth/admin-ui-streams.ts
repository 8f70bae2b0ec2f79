import { Injectable } from '@nestjs/common';
import { hmacSha256, randomKey, safeEqual } from '../common/crypto.js';
import type { RequestActor } from './actor.decorator.js';
import { TokenRegistry } from './token-registry.js';

/**
 * Tells the admin UI's own streams from agents', so the admin's subscriber
 * list shows agents only — by proof, not by a name a client could choose.
 * Signed in (token mode), the UI's stream carries the browser's session
 * cookie, which no agent token can obtain. On an open server (loopback, no
 * sessions) the pages hand the browser a ticket signed with a per-process
 * key, which the stream request passes as `?ui=`.
 */
@Injectable()
export class AdminUiStreams {
  private readonly key = randomKey(32);
  private readonly openTicket = hmacSha256(this.key, 'promptcast admin-ui stream', 'base64url');

  constructor(private readonly tokens: TokenRegistry) {}

  /** The ticket an admin page gives its stream on an open server; none is needed when signed in. */
  ticket(): string | undefined {
    return this.tokens.open ? this.openTicket : undefined;
  }

  isAdminUi(actor: RequestActor | undefined, ticket: string | undefined): boolean {
    if (actor?.via === 'session') return true;
    return actor?.via === 'open' && typeof ticket === 'string' && safeEqual(ticket, this.openTicket);
  }
}
