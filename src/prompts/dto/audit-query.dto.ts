import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../protocol/prompts.js';
import { CursorParam, LimitParam } from '../../common/query-params.js';

/** `GET /api/audit?limit=&before=&key=&author=`. */
export class AuditListQuery {
  /** Entries per page. Defaults to 50. */
  @LimitParam(500, 50)
  limit?: number;

  /** Cursor: only changes with a revision below this (the previous page's `next`). */
  @CursorParam("Cursor: the previous page's `next`.")
  before?: number;

  @ApiPropertyOptional({ description: 'Only this prompt.' })
  @IsOptional()
  @IsString()
  @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key?: string;

  /** A token name ("anonymous" for changes made while the server ran open). */
  @ApiPropertyOptional({ maxLength: 128, description: 'Only changes by this token name.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  author?: string;
}
