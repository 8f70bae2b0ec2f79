import { applyDecorators } from '@nestjs/common';
import { parse as parseQueryString } from 'node:querystring';
import { Transform } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '../protocol/fleet.js';
import { LABEL_PATTERN, LABEL_RULE } from '../protocol/labels.js';
import { PROMPT_KEY_LIST_MAX_LENGTH, PROMPT_KEY_LIST_PATTERN, PROMPT_KEY_LIST_RULE } from '../protocol/prompts.js';
import { parseDecimal, REVISION_MAX } from '../protocol/revision.js';

/**
 * The one grammar of a number in a query string or form field: decimal digits
 * only, as revisions are written. `0x10`, `+5`, `1e2`, `01` or blanks stay
 * strings and fail the integer check, naming the field.
 */
export function DecimalDigits(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseDecimal(value) ?? value) : value));
}

/** A whole number from 1 to `max`, written in decimal digits: one check, whose message names what is wrong. */
export function PositiveInt(max: number = REVISION_MAX): PropertyDecorator {
  return applyDecorators(
    DecimalDigits(),
    ValidateBy({
      name: 'positiveInt',
      validator: {
        validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= max,
        defaultMessage: (args) => positiveIntProblem(args?.property ?? 'value', args?.value, max),
      },
    }),
  );
}

function positiveIntProblem(property: string, value: unknown, max: number): string {
  if (!Number.isSafeInteger(value)) return `${property} must be a whole number written in decimal digits, such as 12`;
  return (value as number) < 1 ? `${property} must not be less than 1` : `${property} must not be greater than ${max}`;
}

/** An optional `?limit=`: 1 to `max`, `fallback` when absent (the caller applies it). */
export function LimitParam(max: number, fallback: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ minimum: 1, maximum: max, description: `Defaults to ${fallback}.` }), IsOptional(), PositiveInt(max));
}

/** An optional `?before=` cursor: a revision or version, bounded like every revision a request may name. */
export function CursorParam(description: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ minimum: 1, maximum: REVISION_MAX, description }), IsOptional(), PositiveInt());
}

/** An optional `?cursor=` naming an agent id (the previous page's `next`), checked by the agent-id rule. */
export function AgentCursorParam(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: 128, example: 'friday-host-4242', description }),
    IsOptional(),
    IsString(),
    Matches(AGENT_ID_PATTERN, { message: ({ property }) => `${property} must be an agent id (${AGENT_ID_RULE})` }),
  );
}

/** An optional `?keys=A,B`: the one rule for the key filter of the stream and the poll. */
export function KeyListParam(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'AGENT_INSTRUCTION,SESSION_INSTRUCTION', description }),
    IsOptional(),
    IsString(),
    MaxLength(PROMPT_KEY_LIST_MAX_LENGTH),
    Matches(PROMPT_KEY_LIST_PATTERN, { message: PROMPT_KEY_LIST_RULE }),
  );
}

/** What `KeyListParam` accepts, as a predicate (the fast path's parser): the same constants. */
export function isKeyList(value: string): boolean {
  return value.length <= PROMPT_KEY_LIST_MAX_LENGTH && PROMPT_KEY_LIST_PATTERN.test(value);
}

/** What `LabelParam` accepts, as a predicate. */
export function isLabel(value: string): boolean {
  return LABEL_PATTERN.test(value);
}

/**
 * A query string that names only `rules`' parameters, each once, with a value
 * its rule accepts: those values, parsed as Express's `simple` query parser
 * (node:querystring) parses them. Undefined for anything else, which the fast
 * path (src/fast-path/) leaves to the framework route, so that every refusal
 * is the framework's 400 with its message; this never refuses on its own.
 */
export function plainQuery<K extends string>(search: string, rules: Record<K, (value: string) => boolean>): Partial<Record<K, string>> | undefined {
  const parsed = parseQueryString(search);
  const values: Partial<Record<K, string>> = {};
  for (const name of Object.keys(parsed)) {
    const value = parsed[name];
    if (!Object.hasOwn(rules, name) || typeof value !== 'string' || !rules[name as K](value)) return undefined;
    values[name as K] = value;
  }
  return values;
}

/** An optional `?label=`: which label's view to read (the caller defaults it to production). */
export function LabelParam(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'staging', description: `${description} Defaults to \`production\`.` }),
    IsOptional(),
    IsString(),
    Matches(LABEL_PATTERN, { message: `label must be ${LABEL_RULE}` }),
  );
}

/** Longest list of labels one save may move. */
export const LABELS_MAX = 16;

/** An optional body field `labels: ["production", "staging"]`: the labels a save points at its new version. */
export function LabelsField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      maxItems: LABELS_MAX,
      example: ['staging'],
      description: 'Labels to point at the new version. Defaults to ["production"]; [] saves a draft no agent is served.',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(LABELS_MAX),
    Matches(LABEL_PATTERN, { each: true, message: `each of labels must be ${LABEL_RULE}` }),
  );
}
