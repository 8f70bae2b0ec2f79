import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ListPromptsQuery {
  /** `flat` answers `{KEY: text}`, the shape the seed's legacy poller reads. */
  @ApiPropertyOptional({ enum: ['full', 'flat'], description: '`flat` answers `{KEY: text}` (the legacy poller shape). Defaults to `full`.' })
  @IsOptional() @IsIn(['full', 'flat'])
  format?: 'full' | 'flat';
}
