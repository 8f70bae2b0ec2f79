import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Scope } from './scopes.js';
import type { SessionClaim } from './session-cookies.js';

export interface RequestActor {
  /** The token's name; recorded as the author of every version this request writes. "anonymous" when the server runs open. */
  author: string;
  /** The client's address (after TRUST_PROXY_HOPS), recorded in the audit trail. */
  address: string | null;
  scopes: readonly Scope[];
  /** How the caller proved who it is. */
  via: 'token' | 'session' | 'open';
  /** The admin UI session the request came with (via 'session'), so a long-lived stream can ask whether it still holds. */
  session?: SessionClaim;
}

export type RequestWithActor = Request & { actor?: RequestActor };

/** Who is making the request, as the AuthGuard established it. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestActor => {
  const req = ctx.switchToHttp().getRequest<RequestWithActor>();
  return req.actor ?? { author: 'anonymous', address: req.ip ?? null, scopes: [], via: 'open' };
});
