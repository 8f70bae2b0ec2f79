import { BadRequestException, createParamDecorator, type ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { LABEL_PATTERN, LABEL_RULE } from '../protocol/labels.js';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../protocol/prompts.js';
import { parseRevisionToken } from '../protocol/revision.js';

/** Validates the `:key` path parameter the same way the create DTO validates `key`. */
@Injectable()
export class PromptKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PROMPT_KEY_PATTERN.test(value)) throw new BadRequestException(`key must be ${PROMPT_KEY_RULE}`);
    return value;
  }
}

/** Validates a `:label` path parameter the same way every body and query names a label. */
@Injectable()
export class LabelPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!LABEL_PATTERN.test(value)) throw new BadRequestException(`label must be ${LABEL_RULE}`);
    return value;
  }
}

/**
 * A version number from the path (`/versions/:n`), in decimal digits only.
 * A parameter decorator rather than a pipe: the global ValidationPipe would
 * first turn `01` or `1e3` into a number for a parameter typed `number`, and
 * the exact text would be lost before it could be refused.
 */
export const VersionParam = createParamDecorator((name: string, ctx: ExecutionContext): number => {
  const raw = ctx.switchToHttp().getRequest<Request>().params[name];
  const version = typeof raw === 'string' ? parseRevisionToken(raw) : undefined;
  if (!version) throw new BadRequestException('version must be a positive integer');
  return version;
});
