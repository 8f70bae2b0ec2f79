import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from '../protocol/prompts.js';
import { APPLY_SCOPES } from '../protocol/rollouts.js';
import { MAX_VARIABLES, parseVariables } from '../protocol/variables.js';

/**
 * Body fields more than one route takes, declared once: `variables` (a
 * version's declared placeholders), `force`/`reason` (publishing over
 * failing checks) and `apply` (how running calls take a change). The rules themselves live in protocol/.
 */

/** An optional `variables: {name: {default?, description?}}`, parsed by protocol/variables.ts (nulls dropped, names checked). */
export function VariablesField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { default: { type: 'string' }, description: { type: 'string' } },
      },
      example: { caller_name: { description: 'The caller, from dispatch metadata' }, tone: { default: 'warm' } },
      description: `The {{name}} placeholders the text declares, at most ${MAX_VARIABLES}; one without a default is required per call. See docs/variables.md.`,
    }),
    IsOptional(),
    // Before validation: a valid value leaves as parsed; an invalid one stays as sent, for the check below to name.
    Transform(({ value }: { value: unknown }) => {
      const parsed = parseVariables(value);
      return 'variables' in parsed ? parsed.variables : value;
    }),
    ValidateBy({
      name: 'variables',
      validator: {
        validate: (value: unknown) => 'variables' in parseVariables(value),
        defaultMessage: (args) => {
          const parsed = parseVariables(args?.value);
          return 'problem' in parsed ? parsed.problem : 'variables is malformed';
        },
      },
    }),
  );
}

/** `force: true` and its `reason`: publish a version whose checks found errors (the service requires the reason). */
export function ForceField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'Publish to a protected label even though the checks found errors (needs the publish scope and a reason).' }),
    IsOptional(),
    IsBoolean(),
  );
}

export function ReasonField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      maxLength: MESSAGE_MAX_LENGTH,
      description: 'Why the checks may be overridden; required with force, kept in the audit trail.',
    }),
    IsOptional(),
    IsString(),
    MaxLength(MESSAGE_MAX_LENGTH),
  );
}

/** `apply: 'live' | 'next-session'`: how running calls take this change (docs/rollouts.md); absent: each client's own default. */
export function ApplyField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: APPLY_SCOPES,
      description:
        '`live`: calls in progress take the change at their next turn; `next-session`: only calls that start after it. Absent: the client decides (PROMPT_APPLY).',
    }),
    IsOptional(),
    IsIn(APPLY_SCOPES, { message: `apply must be one of ${APPLY_SCOPES.join(', ')}` }),
  );
}
