import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HeartbeatData, PromptDeletedData, PromptUpdatedData, SnapshotData, SnapshotPrompt } from '../protocol/events.js';
import type { Variables } from '../protocol/template.js';
import { CHANGE_KINDS, type ChangeKind } from '../protocol/prompts.js';
import { APPLY_SCOPES, type ApplyScope, type RolloutStepName } from '../protocol/rollouts.js';
import { RolloutOfferSchema } from './rollout.schemas.js';

const OFFER = {
  type: RolloutOfferSchema,
  nullable: true,
  description: "The candidate of the active rollout of this key on the stream's label (docs/rollouts.md); absent or null when none.",
} as const;

// The `data:` payloads of the SSE stream's events (src/protocol/events.ts,
// docs/architecture.md). Webhook bodies are the same prompt.updated / prompt.deleted payloads.

class SnapshotPromptSchema implements SnapshotPrompt {
  @ApiProperty() text!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' },
    description: "The version's declared variables.",
  })
  variables?: Variables;
  @ApiPropertyOptional(OFFER) rollout?: RolloutOfferSchema | null;
}

export class SnapshotEventSchema implements SnapshotData {
  @ApiProperty({ description: "The revision of the last change to the stream's view (its label, its keys)." }) revision!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/SnapshotPromptSchema' }, description: 'By key.' })
  prompts!: Record<string, SnapshotPromptSchema>;
}

export class PromptUpdatedEventSchema implements PromptUpdatedData {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() author!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' },
    description: "The version's declared variables.",
  })
  variables?: Variables;
  @ApiProperty({ type: [String], example: ['production'], description: 'The labels this change pointed at `version`.' }) labels!: string[];
  @ApiProperty({
    enum: CHANGE_KINDS,
    description: 'What the change was: a save (create, update), a label move (label, rollback), a rollout step (rollout).',
  })
  kind!: ChangeKind;
  @ApiPropertyOptional({ ...OFFER, description: 'For a rollout step: the offer after it (null once the rollout completed or was aborted).' })
  rollout?: RolloutOfferSchema | null;
  @ApiPropertyOptional({ enum: APPLY_SCOPES, description: 'How running calls take the change, when the writer said; absent: the client default.' })
  apply?: ApplyScope;
  @ApiPropertyOptional({ enum: ['start', 'percent', 'complete', 'abort'], description: 'For a rollout step: which step.' })
  step?: RolloutStepName;
}

export class PromptDeletedEventSchema implements PromptDeletedData {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty({ type: [String], example: ['production'], description: 'The labels that point nowhere for this key now.' }) labels!: string[];
  @ApiProperty({ enum: CHANGE_KINDS, description: 'What the change was: a delete of the key, or a label removed (unlabel).' }) kind!: ChangeKind;
}

export class HeartbeatEventSchema implements HeartbeatData {
  @ApiProperty({ description: "The revision of the stream's view (its label, its keys) this stream has delivered up to." }) revision!: number;
}

export const STREAM_EVENT_SCHEMAS = [
  SnapshotPromptSchema,
  SnapshotEventSchema,
  PromptUpdatedEventSchema,
  PromptDeletedEventSchema,
  HeartbeatEventSchema,
];

export const STREAM_DESCRIPTION = `Server-Sent Events (text/event-stream). A stream follows one label's view (\`?label=\`, default production; \`?keys=\` narrows it). Every event has an \`id\` (a global revision: increasing, not consecutive on one view) and a JSON \`data\` line.

- \`snapshot\` → SnapshotEventSchema: on connect without a usable Last-Event-ID, or when the server cannot replay; its id is the view's revision.
- \`prompt.updated\` → PromptUpdatedEventSchema: a change that points the stream's label at a version (a save naming it, a label move, a rollback).
- \`prompt.deleted\` → PromptDeletedEventSchema: a change that leaves the stream's label pointing nowhere for a key (a delete, a label removed).
- \`heartbeat\` → HeartbeatEventSchema: at most every 15 s; its id is the view's revision delivered up to.

A draft, or a move of another label, sends nothing.

A \`retry:\` hint (jittered) comes first. Resume with the \`Last-Event-ID\` header (or \`?lastEventId=\`): the changes after it, in order, or one snapshot. Protocol: docs/stream.md.`;
