import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { ApplyField, ForceField, ReasonField } from '../../common/body-fields.js';
import { LabelParam } from '../../common/query-params.js';
import { MESSAGE_MAX_LENGTH } from '../../protocol/prompts.js';
import { REVISION_MAX } from '../../protocol/revision.js';
import { GUARD_LIMITS, guardFault, percentFault } from '../../protocol/rollout-rules.js';
import { GUARD_METRICS, type ApplyScope, type RolloutGuard } from '../../protocol/rollouts.js';

/** `percent`: 0.01–100 in hundredths (protocol/rollout-rules.ts). */
function PercentField(description: string): PropertyDecorator {
  return (target, property) => {
    ApiProperty({ minimum: 0.01, maximum: 100, example: 10, description })(target, property);
    ValidateBy({
      name: 'percent',
      validator: { validate: (v: unknown) => percentFault(v) === undefined, defaultMessage: () => percentFault(NaN) ?? '' },
    })(target, property);
  };
}

function MessageField(): PropertyDecorator {
  return (target, property) => {
    ApiPropertyOptional({ maxLength: MESSAGE_MAX_LENGTH, description: 'Why; kept in the audit trail.' })(target, property);
    IsOptional()(target, property);
    IsString()(target, property);
    MaxLength(MESSAGE_MAX_LENGTH)(target, property);
  };
}

export class RolloutGuardSchema implements RolloutGuard {
  @ApiProperty({
    example: 'errors',
    description: `One of ${GUARD_METRICS.join(', ')}, or custom:NAME (a session whose custom metric NAME is above 0).`,
  })
  metric!: string;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.05, description: 'The largest absolute increase of the rate tolerated (0.05: five points).' })
  maxIncrease!: number;
  @ApiProperty({ minimum: GUARD_LIMITS.minSessions.min, maximum: GUARD_LIMITS.minSessions.max, example: 200 })
  minSessions!: number;
}

/** `POST /api/prompts/:key/rollouts`. */
export class StartRolloutDto {
  @ApiProperty({ minimum: 1, maximum: REVISION_MAX, description: 'The candidate version.' })
  @IsInt()
  @Min(1)
  @Max(REVISION_MAX)
  version!: number;

  @PercentField('The share of sessions that get the candidate.')
  percent!: number;

  @LabelParam('The label whose sessions the rollout splits.')
  label?: string;

  @ApplyField()
  apply?: ApplyScope;

  @ApiPropertyOptional({ type: RolloutGuardSchema, description: 'Abort on its own when the candidate is worse on this metric (docs/rollouts.md).' })
  @IsOptional()
  @ValidateBy({
    name: 'guard',
    validator: { validate: (v: unknown) => guardFault(v) === undefined, defaultMessage: (a) => guardFault(a?.value) ?? '' },
  })
  guard?: RolloutGuard;

  @MessageField()
  message?: string;

  @ForceField()
  force?: boolean;

  @ReasonField()
  reason?: string;
}

/** `PATCH /api/prompts/:key/rollouts/:id`: raise or lower the percent. */
export class RolloutPercentDto {
  @PercentField('The new share of sessions that get the candidate; raising it keeps every candidate session on it.')
  percent!: number;

  @ApplyField()
  apply?: ApplyScope;

  @MessageField()
  message?: string;
}

/** `POST …/rollouts/:id/complete`: the label moves to the candidate. */
export class CompleteRolloutDto {
  @ApplyField()
  apply?: ApplyScope;

  @MessageField()
  message?: string;

  @ForceField()
  force?: boolean;

  @ReasonField()
  reason?: string;
}

/** `POST …/rollouts/:id/abort`: every session back on the baseline. */
export class AbortRolloutDto {
  @ApiProperty({ maxLength: MESSAGE_MAX_LENGTH, description: 'Why; kept with the rollout and in the audit trail.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MESSAGE_MAX_LENGTH)
  reason!: string;

  @ApplyField()
  apply?: ApplyScope;

  @MessageField()
  message?: string;
}
