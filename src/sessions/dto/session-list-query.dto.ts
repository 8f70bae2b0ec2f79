import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LimitParam, PositiveInt } from '../../common/query-params.js';
import { LABEL_PATTERN, LABEL_RULE } from '../../protocol/labels.js';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../protocol/prompts.js';
import { SESSION_CURSOR_MAX_LENGTH } from '../session-cursor.js';

/** Sessions per page of `GET /api/sessions` and of the Calls page when none is asked for. */
export const SESSION_PAGE_DEFAULT = 50;
/** The largest page: 100 sessions of a few KB each stay well under a megabyte of JSON. */
export const SESSION_PAGE_MAX = 100;
/** The largest version a filter may name: the stores keep versions as 32-bit integers. */
const VERSION_FILTER_MAX = 2_147_483_647;

/** A blank filter is no filter: the Calls page's form sends its empty fields as `key=`. */
const BlankIsAbsent = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

/** `GET /api/sessions?key=&version=&label=&limit=&before=` (and the Calls page's filter). */
export class SessionListQuery {
  @ApiPropertyOptional({ example: 'AGENT_INSTRUCTION', description: 'Only calls that ran this key.' })
  @BlankIsAbsent()
  @IsOptional()
  @IsString()
  @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Only with `key`: calls that ran this version of it.' })
  @BlankIsAbsent()
  @IsOptional()
  @PositiveInt(VERSION_FILTER_MAX)
  version?: number;

  @ApiPropertyOptional({ example: 'production', description: 'Only calls whose agent follows this label. Every label when absent.' })
  @BlankIsAbsent()
  @IsOptional()
  @IsString()
  @Matches(LABEL_PATTERN, { message: `label must be ${LABEL_RULE}` })
  label?: string;

  @LimitParam(SESSION_PAGE_MAX, SESSION_PAGE_DEFAULT)
  limit?: number;

  @ApiPropertyOptional({ maxLength: SESSION_CURSOR_MAX_LENGTH, description: "Cursor: the previous page's `next`; this page starts after that call." })
  @IsOptional()
  @IsString()
  @MaxLength(SESSION_CURSOR_MAX_LENGTH)
  before?: string;
}
