import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { Liveness, Readiness, StoreReadiness } from '../health/health.service.js';
import { AGENT_MODES, type AgentList, type AgentMode, type AgentView } from '../protocol/fleet.js';
import type { LabelList, LabelMove, LabelPointer } from '../protocol/labels.js';
import {
  CHANGE_KINDS,
  type AuditEntry,
  type AuditPage,
  type ChangeKind,
  type Prompt,
  type PromptList,
  type SavedPrompt,
  type ChecksFailedBody,
  type Version,
  type VersionList,
  type VersionSummary,
} from '../protocol/prompts.js';
import type { SignalStatus } from '../store/change-signal.js';
import { RolloutOfferSchema } from './rollout.schemas.js';
import type { Check, CheckLevel, CheckReport, TokenEstimate } from '../protocol/checks.js';
import type { TextSpan, VariableSpec, Variables } from '../protocol/template.js';

// The wire shapes the API answers with, as OpenAPI schemas. Each class
// `implements` the type the server answers with (src/protocol/ for the API's
// bodies), so a schema that drifts from the wire is a compile error.

export class ErrorBodySchema {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'text must not be blank', description: 'What is wrong, in words a user can act on.' }) message!: string;
}

export class VariableSpecSchema implements VariableSpec {
  @ApiProperty({ required: false, description: 'Filled in when the agent passes no value; without one the variable is required.' }) default?: string;
  @ApiProperty({ required: false }) description?: string;
}

const VARIABLES = {
  type: 'object',
  additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' },
  example: { caller_name: { description: 'From dispatch metadata' }, tone: { default: 'warm' } },
  description: 'The {{name}} placeholders the version declares (docs/variables.md).',
} as const;

export class TextSpanSchema implements TextSpan {
  @ApiProperty({ description: '0-based offset of the first character.' }) start!: number;
  @ApiProperty({ description: '0-based offset just past the last character.' }) end!: number;
  @ApiProperty({ description: '1-based.' }) line!: number;
  @ApiProperty({ description: '1-based.' }) column!: number;
}

export class CheckSchema implements Check {
  @ApiProperty({ enum: ['error', 'warning'] }) level!: CheckLevel;
  @ApiProperty({ example: 'variable-undeclared', description: 'Stable; docs/variables.md lists every code.' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: TextSpanSchema, required: false }) where?: TextSpanSchema;
}

export class TokenEstimateSchema implements TokenEstimate {
  @ApiProperty({ description: 'About one token per 4 characters.' }) estimate!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The same for the version the label points at now.' }) previous!: number | null;
  @ApiProperty({ type: Number, nullable: true }) change!: number | null;
}

export class CheckReportSchema implements CheckReport {
  @ApiProperty({ type: [CheckSchema], description: 'Errors first.' }) checks!: CheckSchema[];
  @ApiProperty({ type: TokenEstimateSchema }) tokens!: TokenEstimateSchema;
}

export class ChecksFailedSchema implements ChecksFailedBody {
  @ApiProperty({ enum: [422] }) statusCode!: 422;
  @ApiProperty({ enum: ['Unprocessable Entity'] }) error!: 'Unprocessable Entity';
  @ApiProperty({ description: 'Names the first error and what to do.' }) message!: string;
  @ApiProperty({ type: [CheckSchema] }) checks!: CheckSchema[];
}

export class PromptSchema implements Prompt {
  @ApiProperty({ example: 'AGENT_INSTRUCTION' }) key!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ description: "Per-prompt version; the prompt's ETag." }) version!: number;
  @ApiProperty() author!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Global revision of the change that produced this version.' }) revision!: number;
  @ApiProperty(VARIABLES) variables!: Variables;
  @ApiProperty({
    type: RolloutOfferSchema,
    nullable: true,
    required: false,
    description:
      'The candidate of an active rollout of this key on the label read (docs/rollouts.md); null when none. A session without a rollout-aware client stays on this version.',
  })
  rollout?: RolloutOfferSchema | null;
}

export class SavedPromptSchema extends PromptSchema implements SavedPrompt {
  @ApiProperty({ type: CheckReportSchema, description: 'What the checks found in the version.' }) checks!: CheckReportSchema;
}

export class SnapshotSchema implements PromptList {
  @ApiProperty({ description: "The revision of the last change to this label's view (of `?keys=` when given); the list's ETag." }) revision!: number;
  @ApiProperty({ type: [PromptSchema] }) prompts!: PromptSchema[];
}

export class VersionSchema implements Version {
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty() author!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() revision!: number;
  @ApiProperty(VARIABLES) variables!: Variables;
  @ApiProperty({ type: CheckReportSchema, nullable: true, description: 'What the checks found when it was saved; null before checks existed.' })
  checks!: CheckReportSchema | null;
}

export class CheckCountSchema {
  @ApiProperty() errors!: number;
  @ApiProperty() warnings!: number;
}

export class VersionSummarySchema extends OmitType(VersionSchema, ['text', 'variables', 'checks'] as const) implements VersionSummary {
  @ApiProperty({ description: 'Text size in UTF-8 bytes.' }) size!: number;
  @ApiProperty({ type: CheckCountSchema, nullable: true, description: 'How many errors and warnings its checks found; null before checks existed.' })
  checks!: CheckCountSchema | null;
  @ApiProperty({ type: [String], description: 'The labels that point at this version now.' }) labels!: string[];
}

export class VersionListSchema implements VersionList {
  @ApiProperty({ type: [VersionSummarySchema], description: 'Newest first.' }) versions!: VersionSummarySchema[];
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'True when the key is deleted now; its history stays readable.' }) deleted!: boolean;
}

export class LabelMoveSchema implements LabelMove {
  @ApiProperty() label!: string;
  @ApiProperty({ type: Number, nullable: true, required: false, description: 'Where it pointed before (absent in history older than labels).' })
  from?: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Where it points now; null: removed.' }) to!: number | null;
}

export class AuditEntrySchema implements AuditEntry {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty({ enum: CHANGE_KINDS }) kind!: ChangeKind;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The token name ("anonymous" while the server ran open).' }) author!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [LabelMoveSchema], description: 'The labels the change moved; empty for a draft.' }) moves!: LabelMoveSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'The reason an admin gave for publishing over failing checks (force).' })
  forced!: string | null;
}

export class LabelPointerSchema implements LabelPointer {
  @ApiProperty({ example: 'staging' }) label!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The change that last moved it.' }) revision!: number;
  @ApiProperty({ format: 'date-time' }) movedAt!: string;
}

export class LabelListSchema implements LabelList {
  @ApiProperty() key!: string;
  @ApiProperty({ type: [LabelPointerSchema] }) labels!: LabelPointerSchema[];
}

export class MovedLabelSchema extends LabelListSchema {
  @ApiProperty({ type: CheckReportSchema, description: 'What the checks find in the version the label points at now.' }) checks!: CheckReportSchema;
}

export class AuditPageSchema implements AuditPage {
  @ApiProperty({ type: [AuditEntrySchema], description: 'Newest first.' }) entries!: AuditEntrySchema[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `before` for the next page; null on the last.' }) next!: number | null;
}

export class AgentSchema implements AgentView {
  @ApiProperty() agentId!: string;
  @ApiProperty({ type: Number, nullable: true }) revision!: number | null;
  @ApiProperty() sessions!: number;
  @ApiProperty({ enum: AGENT_MODES }) mode!: AgentMode;
  @ApiProperty({ example: 'production', description: 'The label whose view it follows.' }) label!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty() address!: string;
  @ApiProperty({
    description: "Its revision is below the last change to its label's view of the keys it reported (every key when it named none), or it has none.",
  })
  behind!: boolean;
}

export class AgentListSchema implements AgentList {
  @ApiProperty({ description: "The server's global revision (`behind` compares each agent with its own view: its label, its keys)." })
  revision!: number;
  @ApiProperty({ description: 'Agents heard from within AGENT_REPORT_TTL_MS (all pages).' }) total!: number;
  @ApiProperty({ description: 'How many of them are behind (all pages).' }) behind!: number;
  @ApiProperty({ type: [AgentSchema], description: 'This page, in agent-id order.' }) agents!: AgentSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' }) next!: string | null;
}

class StoreKindSchema {
  @ApiProperty({ example: 'sqlite' }) kind!: string;
}

const BUS_STATES = ['idle', 'starting', 'listening', 'reconnecting', 'closed'] satisfies SignalStatus[];

export class LivenessSchema implements Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ description: 'Seconds since this app started.' }) uptimeS!: number;
  @ApiProperty({ type: StoreKindSchema }) store!: StoreKindSchema;
  @ApiProperty({ enum: BUS_STATES }) bus!: SignalStatus;
  @ApiProperty({ description: 'Last revision the stream delivered live (from memory).' }) revision!: number;
  @ApiProperty() subscribers!: number;
}

class StoreReadinessSchema implements StoreReadiness {
  @ApiProperty() kind!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: Number, nullable: true }) schemaVersion!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latestSchemaVersion!: number | null;
  @ApiProperty() migrationsApplied!: boolean;
}

export class ReadinessSchema implements Readiness {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty() uptimeS!: number;
  @ApiProperty({ type: StoreReadinessSchema }) store!: StoreReadinessSchema;
  @ApiProperty({ enum: BUS_STATES }) bus!: SignalStatus;
  @ApiProperty({ type: Number, nullable: true, description: "The store's revision." }) revision!: number | null;
  @ApiProperty() subscribers!: number;
  @ApiProperty({ type: [String], description: 'One line per failed check; empty when ready.' }) problems!: string[];
}
