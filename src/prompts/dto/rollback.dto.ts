import type { ApplyScope } from '../../protocol/rollouts.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from '../../protocol/prompts.js';
import { ApplyField, ForceField, ReasonField } from '../../common/body-fields.js';
import { REVISION_MAX } from '../../protocol/revision.js';

export class RollbackDto {
  @ApiProperty({ minimum: 1, maximum: REVISION_MAX, description: 'The version production points at afterwards.' })
  @IsInt()
  @Min(1)
  @Max(REVISION_MAX)
  version!: number;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX_LENGTH, description: 'Defaults to "Rollback to version N".' })
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
