import type { ApplyScope } from '../../protocol/rollouts.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from '../../protocol/prompts.js';
import { REVISION_MAX } from '../../protocol/revision.js';
import { LabelParam } from '../../common/query-params.js';
import { ApplyField, ForceField, ReasonField } from '../../common/body-fields.js';

/** `PUT /api/prompts/:key/labels/:label`: point the label at an existing version. */
export class MoveLabelDto {
  @ApiProperty({ minimum: 1, maximum: REVISION_MAX, description: 'The version the label points at afterwards.' })
  @IsInt()
  @Min(1)
  @Max(REVISION_MAX)
  version!: number;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX_LENGTH, description: 'Why; kept in the audit trail.' })
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;

  @ForceField()
  force?: boolean;

  @ReasonField()
  reason?: string;

  @ApplyField()
  apply?: ApplyScope;
}

/** `?label=` on one prompt's read. */
export class LabelQuery {
  @LabelParam('The label whose version to read.')
  label?: string;
}
