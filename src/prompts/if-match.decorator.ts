import { BadRequestException, createParamDecorator, type ExecutionContext, PreconditionFailedException } from '@nestjs/common';
import type { Request } from 'express';
import { parseIfMatch } from '../protocol/revision.js';

/**
 * The version a write requires, from its `If-Match` header (undefined: no
 * precondition, or `*`). Malformed syntax is a 400; a well-formed tag that can
 * never match a version strongly (weak, or not a number) is a 412.
 */
export function requiredVersion(header: string | undefined): number | undefined {
  const precondition = parseIfMatch(header);
  switch (precondition?.kind) {
    case undefined:
    case 'any':
      return undefined;
    case 'version':
      return precondition.version;
    case 'never':
      throw new PreconditionFailedException(
        `If-Match ${precondition.tag} can never match: name a version in quotes, such as "3" (weak tags never match)`,
      );
    case 'invalid':
      throw new BadRequestException(precondition.problem);
  }
}

/** `@IfMatchVersion() v: number | undefined` — the parameter is `requiredVersion(If-Match)`. */
export const IfMatchVersion = createParamDecorator((_: unknown, ctx: ExecutionContext): number | undefined =>
  requiredVersion(ctx.switchToHttp().getRequest<Request>().headers['if-match']),
);
