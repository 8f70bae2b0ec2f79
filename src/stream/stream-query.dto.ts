import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PROMPT_KEY_LIST_MAX_LENGTH, PROMPT_KEY_LIST_PATTERN, PROMPT_KEY_LIST_RULE } from '../protocol/prompts.js';

export class StreamQuery {
  /** `A,B`: only `prompt.*` events and snapshot entries for these keys. */
  @ApiPropertyOptional({ example: 'AGENT_INSTRUCTION,SESSION_INSTRUCTION', description: 'Only events for these keys.' })
  @IsOptional()
  @IsString()
  @MaxLength(PROMPT_KEY_LIST_MAX_LENGTH)
  @Matches(PROMPT_KEY_LIST_PATTERN, { message: PROMPT_KEY_LIST_RULE })
  keys?: string;

  /** For clients that cannot set the `Last-Event-ID` header; malformed values earn a snapshot, not an error. */
  @ApiPropertyOptional({ description: 'Resume point, for clients that cannot set the Last-Event-ID header.' })
  @IsOptional()
  @IsString()
  lastEventId?: string;

  /** A name for this subscriber in logs and the admin UI; the `X-Agent-Id` header does the same. */
  @ApiPropertyOptional({ maxLength: 128, description: 'A name for this subscriber in logs and the admin UI (or X-Agent-Id).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  agent?: string;
}
