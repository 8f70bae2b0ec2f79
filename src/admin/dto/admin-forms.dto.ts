import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MESSAGE_MAX_LENGTH, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../protocol/prompts.js';
import { AgentCursorParam, PositiveInt } from '../../common/query-params.js';

/**
 * HTML form bodies (urlencoded, so every value arrives as a string). Each
 * carries the CSRF token, which CsrfGuard checks before validation matters.
 */
export class CsrfForm {
  @IsOptional()
  @IsString()
  _csrf?: string;
}

export class CreatePromptForm extends CsrfForm {
  @IsString()
  @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key!: string;

  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  text!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}

export class SavePromptForm extends CsrfForm {
  @IsString()
  text!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;

  /** The version the editor was loaded at; the save only lands if it is still current. */
  @PositiveInt()
  version!: number;
}

export class RollbackForm extends CsrfForm {
  @PositiveInt()
  version!: number;

  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}

export class DeleteForm extends CsrfForm {
  /** The version the operator confirmed deleting; a newer save makes the delete stale. */
  @PositiveInt()
  version!: number;
}

export class VersionQuery {
  @PositiveInt()
  version!: number;
}

export class DiffQuery {
  @PositiveInt()
  from!: number;

  /** Defaults to the newest version. */
  @IsOptional()
  @PositiveInt()
  to?: number;
}

export class HistoryQuery {
  @IsOptional()
  @PositiveInt()
  before?: number;
}

/** One-shot notices after a redirect (`?saved=3`, `?deleted=KEY`), shown once and escaped. */
export class NoticeQuery {
  @IsOptional()
  @PositiveInt()
  saved?: number;

  @IsOptional()
  @IsString()
  @Matches(PROMPT_KEY_PATTERN)
  deleted?: string;
}

/** The prompt list: its notices, and which page of the agent processes panel to show. */
export class ListQuery extends NoticeQuery {
  @AgentCursorParam("The panel's page after this agent id (the previous page's last).")
  fleetCursor?: string;
}
