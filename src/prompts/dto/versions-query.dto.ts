import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class VersionsQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  /** Cursor: only versions older than this one. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  before?: number;
}
