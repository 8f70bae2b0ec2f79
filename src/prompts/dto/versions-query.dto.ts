import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { REVISION_MAX } from '../../protocol/revision.js';
import { PositiveInt } from '../../common/numeric-params.js';

export class VersionsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Defaults to 20.' })
  @IsOptional()
  @PositiveInt(100)
  limit?: number;

  /** Cursor: only versions older than this one. */
  @ApiPropertyOptional({ minimum: 1, maximum: REVISION_MAX, description: 'Cursor: only versions older than this one.' })
  @IsOptional()
  @PositiveInt()
  before?: number;
}
