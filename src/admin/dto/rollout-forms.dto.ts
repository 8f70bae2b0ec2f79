import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LABEL_PATTERN, LABEL_RULE } from '../../protocol/labels.js';
import { MESSAGE_MAX_LENGTH } from '../../protocol/prompts.js';
import { APPLY_SCOPES } from '../../protocol/rollouts.js';
import { PositiveInt } from '../../common/query-params.js';
import { CsrfForm, ForceForm } from './admin-forms.dto.js';

/**
 * The rollout page's forms (urlencoded: every value a string). Numbers stay
 * strings here and are judged by protocol/rollout-rules.ts through
 * RolloutsService, so a form and the API refuse the same values the same way.
 */
class ApplyMessageFields extends ForceForm {
  @IsOptional()
  @IsIn(APPLY_SCOPES, { message: `apply must be one of ${APPLY_SCOPES.join(', ')}` })
  apply?: 'live' | 'next-session';

  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}

/** A number typed in a form field: at most 12 characters, judged later. */
function NumberText(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    MaxLength(12)(target, property);
  };
}

export class StartRolloutForm extends ApplyMessageFields {
  @PositiveInt()
  version!: number;

  @NumberText()
  percent!: string;

  @IsOptional()
  @IsString()
  @Matches(LABEL_PATTERN, { message: `label must be ${LABEL_RULE}` })
  label?: string;

  /** Empty: no guard. */
  @IsOptional()
  @IsString()
  @MaxLength(80)
  guardMetric?: string;

  @IsOptional()
  @NumberText()
  guardMaxIncrease?: string;

  @IsOptional()
  @NumberText()
  guardMinSessions?: string;
}

export class RolloutPercentForm extends ApplyMessageFields {
  @NumberText()
  percent!: string;
}

export class CompleteRolloutForm extends ApplyMessageFields {}

export class AbortRolloutForm extends CsrfForm {
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  reason!: string;

  @IsOptional()
  @IsIn(APPLY_SCOPES, { message: `apply must be one of ${APPLY_SCOPES.join(', ')}` })
  apply?: 'live' | 'next-session';
}

/** `?version=` of the start page. */
export class StartRolloutQuery {
  @PositiveInt()
  version!: number;
}
