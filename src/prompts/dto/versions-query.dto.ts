import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class VersionsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Defaults to 20.' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  /** Cursor: only versions older than this one. */
  @ApiPropertyOptional({ minimum: 1, description: 'Cursor: only versions older than this one.' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  before?: number;
}
