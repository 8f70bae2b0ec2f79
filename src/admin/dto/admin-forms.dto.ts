import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { MESSAGE_MAX_LENGTH, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../prompts/dto/prompt-key.js';

/**
 * HTML form bodies (urlencoded, so every value arrives as a string). Each
 * carries the CSRF token, which CsrfGuard checks before validation matters.
 */
export class CsrfForm {
  @IsOptional() @IsString()
  _csrf?: string;
}

export class CreatePromptForm extends CsrfForm {
  @IsString() @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key!: string;

  @IsString() @IsNotEmpty({ message: 'text must not be empty' })
  text!: string;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}

export class SavePromptForm extends CsrfForm {
  @IsString()
  text!: string;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;

  /** The version the editor was loaded at; the save only lands if it is still current. */
  @Type(() => Number) @IsInt() @Min(1)
  version!: number;
}

export class RollbackForm extends CsrfForm {
  @Type(() => Number) @IsInt() @Min(1)
  version!: number;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}

export class DeleteForm extends CsrfForm {
  /** The version the operator confirmed deleting; a newer save makes the delete stale. */
  @Type(() => Number) @IsInt() @Min(1)
  version!: number;
}

export class VersionQuery {
  @Type(() => Number) @IsInt() @Min(1)
  version!: number;
}

export class DiffQuery {
  @Type(() => Number) @IsInt() @Min(1)
  from!: number;

  /** Defaults to the newest version. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  to?: number;
}

export class HistoryQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  before?: number;
}

/** One-shot notices after a redirect (`?saved=3`, `?deleted=KEY`), shown once and escaped. */
export class NoticeQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  saved?: number;

  @IsOptional() @IsString() @Matches(PROMPT_KEY_PATTERN)
  deleted?: string;
}
