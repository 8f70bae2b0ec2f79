import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, maxLength, MaxLength } from 'class-validator';
import { isKeyList, isLabel, KeyListParam, LabelParam, plainQuery } from '../common/query-params.js';

/** Longest `?agent=` name and `?ui=` ticket. */
const NAME_MAX = 128;

/** What `@MaxLength(NAME_MAX)` accepts (class-validator's own check, so both paths count characters alike). */
const isName = (value: string): boolean => maxLength(value, NAME_MAX);

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
  @ApiPropertyOptional({ maxLength: NAME_MAX, description: 'A name for this subscriber in logs and the admin UI (or X-Agent-Id).' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  agent?: string;

  /** The admin pages' ticket that marks their own stream (see AdminUiStreams); agents send none. */
  @ApiPropertyOptional({ maxLength: NAME_MAX, description: "The admin UI's ticket for its own stream; agents leave it out." })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  ui?: string;
}

/**
 * The same query for the fast path (src/fast-path/stream-route.ts), with the
 * same rules (the predicates behind the decorators above); undefined for
 * anything the class above would refuse, or that the fast path leaves to it
 * (a repeated or unknown parameter), so every 400 is the framework's.
 */
export function plainStreamQuery(search: string): StreamQuery | undefined {
  return plainQuery(search, {
    keys: isKeyList,
    label: isLabel,
    // @IsString() alone: any single value is a string once parsed.
    lastEventId: () => true,
    agent: isName,
    ui: isName,
  });
}
