import { IsIn, IsOptional } from 'class-validator';

export class ListPromptsQuery {
  /** `flat` answers `{KEY: text}`, the shape the seed's legacy poller reads. */
  @IsOptional() @IsIn(['full', 'flat'])
  format?: 'full' | 'flat';
}
