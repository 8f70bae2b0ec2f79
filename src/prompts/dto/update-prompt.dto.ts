import type { ApplyScope } from '../../protocol/rollouts.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from '../../protocol/prompts.js';
import { LabelsField } from '../../common/query-params.js';
import { ApplyField, ForceField, ReasonField, VariablesField } from '../../common/body-fields.js';
import type { Variables } from '../../protocol/template.js';

export class UpdatePromptDto {
  @ApiProperty({ description: 'Non-blank, well-formed Unicode, no NUL, at most PROMPT_MAX_BYTES UTF-8 bytes.' })
  @IsString()
  @IsNotEmpty()
  text!: string;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX_LENGTH })
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
