import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { KeyListParam, LabelParam } from '../../common/query-params.js';

export class ListPromptsQuery {
  /** `flat` answers `{KEY: text}`, the shape the seed's legacy poller reads. */
  @ApiPropertyOptional({ enum: ['full', 'flat'], description: '`flat` answers `{KEY: text}` (the legacy poller shape). Defaults to `full`.' })
  @IsOptional()
  @IsIn(['full', 'flat'])
  format?: 'full' | 'flat';

  /** `A,B`: only these prompts, as the stream's `?keys=` filters its events. */
  @KeyListParam("Only these prompts; the ETag is then the revision of the label's view of these keys.")
  keys?: string;

  @LabelParam('The label whose view to read.')
  label?: string;
}
