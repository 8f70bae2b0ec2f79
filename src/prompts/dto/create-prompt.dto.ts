import type { ApplyScope } from '../../protocol/rollouts.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MESSAGE_MAX_LENGTH, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../protocol/prompts.js';
import { LabelsField } from '../../common/query-params.js';
import { ApplyField, ForceField, ReasonField, VariablesField } from '../../common/body-fields.js';
import type { Variables } from '../../protocol/template.js';

export class CreatePromptDto {
  @ApiProperty({ pattern: PROMPT_KEY_PATTERN.source, example: 'AGENT_INSTRUCTION' })
  @IsString()
  @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key!: string;

  // Size and Unicode well-formedness are checked by the service against the configured limit.
  @ApiProperty({ description: 'Non-blank, well-formed Unicode, no NUL, at most PROMPT_MAX_BYTES UTF-8 bytes.' })
  @IsString()
  @IsNotEmpty()
  text!: string;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX_LENGTH, description: 'Why this version; shown in history.' })
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;

  @LabelsField()
  labels?: string[];

  @VariablesField()
  variables?: Variables;

  @ForceField()
  force?: boolean;

  @ReasonField()
  reason?: string;

  @ApplyField()
  apply?: ApplyScope;
}
