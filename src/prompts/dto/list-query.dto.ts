import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PROMPT_KEY_LIST_MAX_LENGTH, PROMPT_KEY_LIST_PATTERN, PROMPT_KEY_LIST_RULE } from '../../protocol/prompts.js';

export class ListPromptsQuery {
  /** `flat` answers `{KEY: text}`, the shape the seed's legacy poller reads. */
  @ApiPropertyOptional({ enum: ['full', 'flat'], description: '`flat` answers `{KEY: text}` (the legacy poller shape). Defaults to `full`.' })
  @IsOptional()
  @IsIn(['full', 'flat'])
  format?: 'full' | 'flat';

  /** `A,B`: only these prompts, as the stream's `?keys=` filters its events. */
  @ApiPropertyOptional({ example: 'AGENT_INSTRUCTION,SESSION_INSTRUCTION', description: 'Only these prompts (the ETag stays the global revision).' })
  @IsOptional()
  @IsString()
  @MaxLength(PROMPT_KEY_LIST_MAX_LENGTH)
  @Matches(PROMPT_KEY_LIST_PATTERN, { message: PROMPT_KEY_LIST_RULE })
  keys?: string;
}
