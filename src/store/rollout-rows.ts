import type { ApplyScope, Rollout, RolloutGuard, RolloutOffer, RolloutStatus, RolloutStep } from '../protocol/rollouts.js';
import type { ChangeRollout, PromptRecord, VersionRecord } from './prompt-store.js';
import type { RolloutState } from './rollout-plan.js';
import { decodeVariables, type PromptRow } from './version-rows.js';
import type { RolloutChange } from './write-plan.js';

/**
 * Rollouts as both stores keep them: the percent as basis points (hundredths
 * of a percent, an integer), the guard and the history as JSON text. Mapped
 * to the wire's shapes here, once for both backends.
 */

/** A `rollouts` row as both stores read it. */
export interface RolloutRow {
  id: string;
  key: string;
  label: string;
  baseline: number;
  candidate: number;
  basisPoints: number;
  apply: ApplyScope;
  guard: string | null;
  status: RolloutStatus;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  reason: string | null;
  history: string;
}

export function toRollout(row: RolloutRow): Rollout {
  const { id, key, label, baseline, candidate, apply, status, createdAt, createdBy, updatedAt, updatedBy, reason } = row;
  const guard = row.guard === null ? null : (JSON.parse(row.guard) as RolloutGuard);
  const history = JSON.parse(row.history) as RolloutStep[];
  return {
    id,
    key,
    label,
    baseline,
    candidate,
    percent: percentOf(Number(row.basisPoints)),
    apply,
    guard,
    status,
    createdAt,
    createdBy,
    updatedAt,
    updatedBy,
    reason,
    history,
  };
}

export function toRolloutState(row: RolloutRow): RolloutState {
  const { id, key, label, baseline, candidate, apply, status } = row;
  return { id, key, label, baseline, candidate, basisPoints: Number(row.basisPoints), apply, status };
}

/** The status a rollout has after `step`. */
export function statusAfter(step: RolloutChange['step']): RolloutStatus {
  return step === 'complete' ? 'completed' : step === 'abort' ? 'aborted' : 'active';
}

/** The history after one more step, as JSON. */
export function historyAfter(history: string | null, step: RolloutChange, stamp: { revision: number; at: string }, author: string): string {
  const steps = history === null ? [] : (JSON.parse(history) as RolloutStep[]);
  const next: RolloutStep = {
    action: step.step,
    percent: percentOf(step.basisPoints),
    author,
    at: stamp.at,
    revision: stamp.revision,
    reason: step.reason,
  };
  return JSON.stringify([...steps, next]);
}

export function encodeGuard(guard: RolloutGuard | null): string | null {
  return guard === null ? null : JSON.stringify(guard);
}

export const percentOf = (basisPoints: number): number => basisPoints / 100;
export const basisPointsOf = (percent: number): number => Math.round(percent * 100);

/** The offer columns joined onto a label row or a change row (all null when no active rollout applies). */
export interface OfferColumns {
  rolloutId: string | null;
  rolloutBasisPoints: number | null;
  rolloutApply: ApplyScope | null;
  candidateVersion: number | null;
  candidateText: string | null;
  candidateVariables: string | null;
}

/** The offer a label's view carries for a key, or null when the columns name none. */
export function offerOf(c: OfferColumns): RolloutOffer | null {
  if (c.rolloutId === null || c.candidateVersion === null || c.candidateText === null) return null;
  const candidate = { version: c.candidateVersion, text: c.candidateText, variables: decodeVariables(c.candidateVariables) };
  return { id: c.rolloutId, percent: percentOf(Number(c.rolloutBasisPoints ?? 0)), apply: c.rolloutApply ?? 'live', candidate };
}

/** The audit row's rollout columns, as the change log reads them back. */
export interface ChangeRolloutColumns extends OfferColumns {
  rolloutStep: RolloutChange['step'] | null;
}

/** The rollout side of a change read from the log: the offer only while the step left the rollout active. */
export function changeRolloutOf(c: ChangeRolloutColumns): ChangeRollout | null {
  if (c.rolloutId === null || c.rolloutStep === null) return null;
  const ended = c.rolloutStep === 'complete' || c.rolloutStep === 'abort';
  return { id: c.rolloutId, step: c.rolloutStep, offer: ended ? null : offerOf(c) };
}

/** The rollout side of a change a store just wrote for `step` (the rollout's own apply goes with the offer). */
export function changeRolloutAfter(step: RolloutChange, rolloutApply: ApplyScope, candidate: VersionRecord | undefined): ChangeRollout {
  const ended = step.step === 'complete' || step.step === 'abort';
  const offer: RolloutOffer | null =
    ended || !candidate
      ? null
      : {
          id: step.id,
          percent: percentOf(step.basisPoints),
          apply: rolloutApply,
          candidate: { version: candidate.version, text: candidate.text, variables: candidate.variables },
        };
  return { id: step.id, step: step.step, offer };
}

/** A label's prompt read with the offer columns: the prompt, with its offer (null when none). */
export function promptWithOffer(row: PromptRow & OfferColumns): PromptRecord {
  const { key, text, version, author, message, updatedAt, revision } = row;
  return { key, text, version, author, message, updatedAt, revision, variables: decodeVariables(row.variables), rollout: offerOf(row) };
}
