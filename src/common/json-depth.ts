import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** No request body the API accepts nests deeper than 2; this leaves room and stops recursion bombs. */
export const MAX_JSON_DEPTH = 32;

/** Names the validation pipe never sees (class-transformer skips them), so they would be dropped silently instead of refused. */
const UNSEEN_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Rejects parsed bodies before validation when they nest deeper than
 * `maxDepth` (whose recursive walk would otherwise overflow the stack on
 * `{"a":{"a":...}}` and answer 500), or carry a property the validation pipe
 * cannot see (`__proto__` and its kin), which would otherwise be dropped
 * without a word where every other unknown property is a 400. Walks
 * iteratively, so the check itself cannot overflow.
 */
export function limitJsonDepth(maxDepth = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    next(jsonDepthProblem(req.body, maxDepth));
  };
}

/** What `limitJsonDepth` refuses in one parsed value (also each line of an import); undefined when it is fine. */
export function jsonDepthProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): BadRequestException | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= maxDepth) return new BadRequestException(`request body is nested deeper than ${maxDepth} levels`);
    const unseen = UNSEEN_KEYS.find((key) => Object.hasOwn(node, key));
    if (unseen) return new BadRequestException(`property ${unseen} should not exist`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}
