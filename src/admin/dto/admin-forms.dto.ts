import { applyDecorators } from '@nestjs/common';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { VariableRowFields } from '../variable-rows.js';
import { LABEL_PATTERN, LABEL_RULE } from '../../protocol/labels.js';
import { MESSAGE_MAX_LENGTH, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../../protocol/prompts.js';
import { AgentCursorParam, PositiveInt } from '../../common/query-params.js';

/** A label name in a form field or page query, by the one label rule; the message names the field. */
function LabelField(): PropertyDecorator {
  return applyDecorators(IsString(), Matches(LABEL_PATTERN, { message: ({ property }) => `${property} must be ${LABEL_RULE}` }));
}

function MessageField(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsString(), MaxLength(MESSAGE_MAX_LENGTH));
}

/**
 * HTML form bodies (urlencoded, so every value arrives as a string). Each
 * carries the CSRF token, which CsrfGuard checks before validation matters.
 */
export class CsrfForm {
  @IsOptional()
  @IsString()
  _csrf?: string;
}

/** A repeated form field (one string per row); protocol/variables.ts judges the values. */
function RowField(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsString({ each: true }));
}

/**
 * The force box of a publish (save, promote, rollback): a checkbox (`force=1`
 * when ticked) and why. The service requires the reason and the publish
 * scope, whatever the page showed.
 */
export class ForceForm extends CsrfForm {
  @IsOptional()
  @IsIn(['1'], { message: 'force must be "1" (the box ticked) or absent' })
  force?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  reason?: string;
}

/** The editor's variable rows (and its force box). */
export class EditorFields extends ForceForm implements VariableRowFields {
  @RowField()
  varName?: string | string[];

  @RowField()
  varDefault?: string | string[];

  @RowField()
  varDescription?: string | string[];

  /** The names whose *required* box is ticked. */
  @RowField()
  varRequired?: string | string[];
}

export class CreatePromptForm extends EditorFields {
  @IsString()
  @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key!: string;

  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  text!: string;

  @MessageField()
  message?: string;

  /** The button pressed: the label to point at the new version; absent (the default button) saves a draft. */
  @IsOptional()
  @LabelField()
  label?: string;
}

export class SavePromptForm extends EditorFields {
  @IsString()
  text!: string;

  @MessageField()
  message?: string;

  /** The newest version when the editor was loaded; the save only lands if it is still the newest. */
  @PositiveInt()
  version!: number;

  /** The button pressed: the label to point at the new version; absent (the default button) saves a draft. */
  @IsOptional()
  @LabelField()
  label?: string;
}

export class RollbackForm extends ForceForm {
  @PositiveInt()
  version!: number;

  @MessageField()
  message?: string;
}

/** A text to check without saving: the editor's or the create form as it stands (the key and message only go back on the page). */
export class CheckForm extends EditorFields {
  @IsString()
  text!: string;

  /** The create form's key, as typed so far: not judged here (creating it does that). */
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  key?: string;

  @MessageField()
  message?: string;

  /** The editor's loaded version, which the re-shown form keeps posting. */
  @IsOptional()
  @PositiveInt()
  version?: number;
}

/** Which page a label form came from, and goes back to. */
export const LABEL_FORM_PAGES = ['editor', 'history'] as const;

/** The label menu: point `label` at `version`, wherever it pointed (the operator names the target, not a change). */
export class MoveLabelForm extends CsrfForm {
  @LabelField()
  label!: string;

  @PositiveInt()
  version!: number;

  @IsOptional()
  @IsIn(LABEL_FORM_PAGES)
  back?: (typeof LABEL_FORM_PAGES)[number];
}

/** Removes `label`, if it still points at `current` (the version the page showed). */
export class RemoveLabelForm extends CsrfForm {
  @LabelField()
  label!: string;

  @PositiveInt()
  current!: number;
}

/** Points production at `version` (the one whose diff was shown), if production still points at `current`. */
export class PromoteForm extends ForceForm {
  @PositiveInt()
  version!: number;

  /** Where production pointed when the diff was shown; absent when it pointed nowhere. */
  @IsOptional()
  @PositiveInt()
  current?: number;

  /** The label the version was promoted from (staging), for the message. */
  @IsOptional()
  @LabelField()
  from?: string;

  @MessageField()
  message?: string;
}

/** `?from=staging` (the label to promote, by default) or `?version=7` (one version). */
export class PromoteQuery {
  @IsOptional()
  @LabelField()
  from?: string;

  @IsOptional()
  @PositiveInt()
  version?: number;
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

/** One-shot notices after a redirect (`?saved=3`, `?deleted=KEY`, `?moved=staging`, `?removed=canary`), shown once and escaped. */
export class NoticeQuery {
  @IsOptional()
  @PositiveInt()
  saved?: number;

  @IsOptional()
  @IsString()
  @Matches(PROMPT_KEY_PATTERN)
  deleted?: string;

  @IsOptional()
  @LabelField()
  moved?: string;

  @IsOptional()
  @LabelField()
  removed?: string;
}

export class HistoryQuery extends NoticeQuery {
  @IsOptional()
  @PositiveInt()
  before?: number;
}

/** The prompt list: its notices, and which page of the agent processes panel to show. */
export class ListQuery extends NoticeQuery {
  @AgentCursorParam("The panel's page after this agent id (the previous page's last).")
  fleetCursor?: string;
}
