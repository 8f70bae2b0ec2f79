import { ApiProperty } from '@nestjs/swagger';
import {
  APPLY_SCOPES,
  type ApplyScope,
  type Rollout,
  type RolloutGuard,
  type RolloutOffer,
  type RolloutStatus,
  type RolloutStep,
  type RolloutStepName,
} from '../protocol/rollouts.js';
import type { Variables } from '../protocol/template.js';

// Rollouts on the wire (src/protocol/rollouts.ts, docs/rollouts.md): the offer a label's
// view carries, and a rollout as `GET /api/prompts/:key/rollouts/:id` answers it.

const VARIABLES = { type: 'object', additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' } } as const;
const STEPS: RolloutStepName[] = ['start', 'percent', 'complete', 'abort'];
const STATUSES: RolloutStatus[] = ['active', 'completed', 'aborted'];

export class RolloutCandidateSchema {
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty(VARIABLES) variables!: Variables;
}

export class RolloutOfferSchema implements RolloutOffer {
  @ApiProperty({
    description: 'The rollout id: a session gets the candidate iff the first 4 bytes of SHA-256(id + ":" + sessionId) mod 10000 < percent × 100.',
  })
  id!: string;
  @ApiProperty({ minimum: 0.01, maximum: 100 }) percent!: number;
  @ApiProperty({ enum: APPLY_SCOPES }) apply!: ApplyScope;
  @ApiProperty({ type: RolloutCandidateSchema }) candidate!: RolloutCandidateSchema;
}

export class RolloutGuardOutSchema implements RolloutGuard {
  @ApiProperty() metric!: string;
  @ApiProperty() maxIncrease!: number;
  @ApiProperty() minSessions!: number;
}

export class RolloutStepSchema implements RolloutStep {
  @ApiProperty({ enum: STEPS }) action!: RolloutStepName;
  @ApiProperty({ description: 'The percent after the step.' }) percent!: number;
  @ApiProperty({ description: 'Who made the step ("guard" when the guard aborted it).' }) author!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The global revision of the change the step was.' }) revision!: number;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
}

export class RolloutSchema implements Rollout {
  @ApiProperty() id!: string;
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'The version the label points at while the rollout runs.' }) baseline!: number;
  @ApiProperty() candidate!: number;
  @ApiProperty() percent!: number;
  @ApiProperty({ enum: APPLY_SCOPES }) apply!: ApplyScope;
  @ApiProperty({ type: RolloutGuardOutSchema, nullable: true }) guard!: RolloutGuardOutSchema | null;
  @ApiProperty({ enum: STATUSES }) status!: RolloutStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it ended: the abort reason (the guard gives its figures).' }) reason!: string | null;
  @ApiProperty({ type: [RolloutStepSchema] }) history!: RolloutStepSchema[];
}

export class RolloutListSchema {
  @ApiProperty({ type: [RolloutSchema], description: 'Newest first, at most 50.' }) rollouts!: RolloutSchema[];
}

export class GuardVerdictSchema {
  @ApiProperty({ description: 'The candidate is worse by more than maxIncrease with 95% confidence.' }) abort!: boolean;
  @ApiProperty({ description: 'Both sides have minSessions sessions.' }) ready!: boolean;
  @ApiProperty() candidateRate!: number;
  @ApiProperty() baselineRate!: number;
  @ApiProperty({ type: Number, nullable: true }) z!: number | null;
  @ApiProperty({ description: 'One sentence with the figures.' }) reason!: string;
}

export class RolloutReportSchema extends RolloutSchema {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      '{candidate, baseline: {sessions, bad, metrics: {NAME: {n, mean, low, high}}}, difference: {NAME: {diff, low, high}}}: means with 95% intervals.',
  })
  figures!: Record<string, unknown>;
  @ApiProperty({ type: GuardVerdictSchema, nullable: true }) verdict!: GuardVerdictSchema | null;
}
