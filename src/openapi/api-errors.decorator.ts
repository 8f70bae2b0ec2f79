import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorBodySchema } from './schemas.js';

const MEANING: Record<number, string> = {
  400: 'Bad input; the message names what is wrong.',
  401: 'No or unknown credentials (`Authorization: Bearer <token>`).',
  403: 'The token lacks the scope this route needs.',
  404: 'No such prompt, version or session.',
  409: 'The prompt already exists; for a fleet report, the agent id belongs to another token; for a session report, a session id does.',
  412: 'If-Match names a stale version.',
  413: 'Text over PROMPT_MAX_BYTES, or body too large.',
  429: 'Over a rate limit (per address; fleet reports per token); `Retry-After` says when to try again.',
  503: 'The server is shutting down; reconnect.',
};

/**
 * The `{statusCode, error, message}` answers a route may give, documented once
 * here. Always JSON, even on a route that otherwise produces an event stream.
 */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodySchema) } } };
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, content, description: MEANING[status] ?? 'Error' })));
}
