import { isLabel, type LabelMove } from '../protocol/labels.js';
import type { ApplyScope, RolloutStepName } from '../protocol/rollouts.js';
import type { AuditEntry, ChangeRecord, ChangeRollout, PromptRecord, VersionRecord } from './prompt-store.js';
import { changeRolloutOf, type ChangeRolloutColumns } from './rollout-rows.js';
import { decodeVariables } from './version-rows.js';
import type { Plan } from './write-plan.js';

/** The `moves` column, as both stores keep it: a JSON array of `{label, from?, to}`. */
export function encodeMoves(moves: readonly LabelMove[]): string {
  return JSON.stringify(moves);
}

export function decodeMoves(json: string): LabelMove[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((m): m is LabelMove => typeof m === 'object' && m !== null && isLabel((m as LabelMove).label));
}

/** An audit row as both stores read it: `moves` still JSON, the rollout as two columns. */
export type AuditRow = Omit<AuditEntry, 'moves' | 'rollout'> & { moves: string; rollout: string | null; rolloutStep: RolloutStepName | null };

export function toAuditEntry(row: AuditRow): AuditEntry {
  const { revision, key, kind, version, author, address, message, at, forced, apply } = row;
  const rollout = row.rollout !== null && row.rolloutStep !== null ? { id: row.rollout, step: row.rolloutStep } : null;
  return { revision, key, kind, version, moves: decodeMoves(row.moves), author, address, message, at, forced, apply: apply ?? null, rollout };
}

/** A change log row as both stores read it: `moves` and `variables` still JSON, the joined version's text. */
export interface ChangeRow extends Omit<ChangeRecord, 'moves' | 'text' | 'variables' | 'apply' | 'rollout'>, ChangeRolloutColumns {
  moves: string;
  text: string | null;
  variables: string | null;
  apply: ApplyScope | null;
}

/** A change as the feed and replay see it: a delete or unlabel carries no text (it points labels nowhere). */
export function toChangeRecord(row: ChangeRow): ChangeRecord {
  const { revision, key, kind, version, author, at, apply } = row;
  const pointsNowhere = kind === 'delete' || kind === 'unlabel';
  return {
    revision,
    key,
    kind,
    version,
    author,
    at,
    moves: decodeMoves(row.moves),
    text: pointsNowhere ? null : row.text,
    variables: pointsNowhere || row.text === null ? null : decodeVariables(row.variables),
    apply,
    rollout: changeRolloutOf(row),
  };
}

/** The change a store just wrote for `plan`, and the version it is about (`target`: the version it saved or pointed at). */
export function written(
  plan: Plan,
  stamp: { revision: number; at: string },
  origin: { key: string; author: string; apply?: ApplyScope },
  target: VersionRecord | undefined,
  rollout: ChangeRollout | null = null,
): { ok: true; change: ChangeRecord; prompt: PromptRecord | null } {
  const pointsNowhere = plan.kind === 'delete' || plan.kind === 'unlabel';
  const change: ChangeRecord = {
    revision: stamp.revision,
    key: origin.key,
    kind: plan.kind,
    version: plan.version,
    author: origin.author,
    at: stamp.at,
    moves: plan.moves,
    text: pointsNowhere ? null : (target?.text ?? null),
    variables: pointsNowhere || !target ? null : target.variables,
    apply: origin.apply ?? null,
    rollout,
  };
  return { ok: true, change, prompt: pointsNowhere || !target ? null : asPrompt(target) };
}

/** A stored version as the API shows a prompt: its time is when it was saved. */
export function asPrompt(v: VersionRecord): PromptRecord {
  const { key, text, version, author, message, revision, variables } = v;
  return { key, text, version, author, message, updatedAt: v.createdAt, revision, variables };
}
