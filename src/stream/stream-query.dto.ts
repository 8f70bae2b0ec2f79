import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { KeyListParam, LabelParam } from '../common/query-params.js';

export class StreamQuery {
  /** `A,B`: only `prompt.*` events and snapshot entries for these keys. */
  @KeyListParam('Only events for these keys.')
  keys?: string;

  @LabelParam('The label whose view to follow.')
  label?: string;

  /** For clients that cannot set the `Last-Event-ID` header; malformed values earn a snapshot, not an error. */
  @ApiPropertyOptional({ description: 'Resume point, for clients that cannot set the Last-Event-ID header.' })
  @IsOptional()
  @IsString()
  lastEventId?: string;

  /** A name for this subscriber in logs and the admin UI; the `X-Agent-Id` header does the same. */
  @ApiPropertyOptional({ maxLength: 128, description: 'A name for this subscriber in logs and the admin UI (or X-Agent-Id).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  agent?: string;

  /** The admin pages' ticket that marks their own stream (see AdminUiStreams); agents send none. */
  @ApiPropertyOptional({ maxLength: 128, description: "The admin UI's ticket for its own stream; agents leave it out." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  ui?: string;
}
