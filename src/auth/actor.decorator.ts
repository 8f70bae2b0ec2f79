import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface RequestActor {
  /** Recorded as the author of every version this request writes. */
  author: string;
}

/** Who is making the request. Until tokens exist every caller is "anonymous". */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestActor => {
  const req = ctx.switchToHttp().getRequest<Request & { actor?: RequestActor }>();
  return req.actor ?? { author: 'anonymous' };
});
