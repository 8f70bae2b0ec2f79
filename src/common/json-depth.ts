import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** No request body the API accepts nests deeper than 2; this leaves room and stops recursion bombs. */
export const MAX_JSON_DEPTH = 32;

/**
 * Rejects parsed bodies nested deeper than `maxDepth` before validation, whose
 * recursive walk would otherwise overflow the stack on `{"a":{"a":...}}` and
 * answer 500. Walks iteratively, so the check itself cannot overflow.
 */
export function limitJsonDepth(maxDepth = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    next(depthExceeds(req.body, maxDepth) ? new BadRequestException(`request body is nested deeper than ${maxDepth} levels`) : undefined);
  };
}

function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
