import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { isKeyList, isLabel, KeyListParam, LabelParam, plainQuery } from '../../common/query-params.js';

/** The answer's shapes: `flat` is `{KEY: text}`, what the seed's legacy poller reads. */
export const LIST_FORMATS = ['full', 'flat'] as const;

export class ListPromptsQuery {
  /** `flat` answers `{KEY: text}`, the shape the seed's legacy poller reads. */
  @ApiPropertyOptional({ enum: LIST_FORMATS, description: '`flat` answers `{KEY: text}` (the legacy poller shape). Defaults to `full`.' })
  @IsOptional()
  @IsIn(LIST_FORMATS)
  format?: 'full' | 'flat';

  /** `A,B`: only these prompts, as the stream's `?keys=` filters its events. */
  @KeyListParam("Only these prompts; the ETag is then the revision of the label's view of these keys.")
  keys?: string;

  @LabelParam('The label whose view to read.')
  label?: string;
}

/**
 * The same query for the fast path, with the same rules (the predicates of the
 * decorators above); undefined for anything the class above would refuse, or
 * that the fast path leaves to it (a repeated or unknown parameter).
 */
export function plainListQuery(search: string): ListPromptsQuery | undefined {
  return plainQuery(search, {
    format: (v) => (LIST_FORMATS as readonly string[]).includes(v),
    keys: isKeyList,
    label: isLabel,
  }) as ListPromptsQuery | undefined;
}
