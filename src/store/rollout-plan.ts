import type { ApplyScope, RolloutStatus } from '../protocol/rollouts.js';
import { guarded, type KeyState, type LabelPolicy, type Outcome } from './write-plan.js';

/**
 * The rules of a rollout's steps, once for both stores (docs/rollouts.md).
 * Like write-plan.ts, each function looks at the key as the store read it
 * inside its write transaction and answers what the step does, or why not.
 * Every step is a change of kind `rollout` that moves the rollout's label:
 * start, percent and abort point it at its baseline again (the view changes:
 * its offer does), complete points it at the candidate. So every step is
 * gated like a label move: a protected label needs the publish scope, and
 * putting a candidate whose checks find errors in front of a protected
 * label's sessions (start, complete) needs `force` as a publish does.
 */

/** A rollout as the rules see it (the store's row). */
export interface RolloutState {
  id: string;
  key: string;
  label: string;
  baseline: number;
  candidate: number;
  basisPoints: number;
  apply: ApplyScope;
  status: RolloutStatus;
}

export interface RolloutStartRules {
  /** The new rollout's id (random, chosen by the service). */
  id: string;
  label: string;
  /** The candidate version. */
  version: number;
  versionExists: boolean;
  /** Whether the checks find an error in the candidate. */
  hasErrors: boolean;
  basisPoints: number;
  apply: ApplyScope;
}

export type RolloutStepRules =
  | { action: 'percent'; basisPoints: number; apply?: ApplyScope }
  | { action: 'complete'; hasErrors: boolean; apply?: ApplyScope }
  | { action: 'abort'; reason: string; apply?: ApplyScope };

export const rolloutPlan = {
  /** Starts a rollout of `label`: it keeps pointing at its version (the baseline) while the candidate serves a slice. */
  start(state: KeyState | undefined, rules: RolloutStartRules, policy: LabelPolicy): Outcome {
    if (!state || state.deleted) return { ok: false, reason: 'not_found' };
    if (!rules.versionExists) return { ok: false, reason: 'version_not_found', currentVersion: state.head };
    const baseline = state.labels.get(rules.label);
    if (baseline === undefined) return { ok: false, reason: 'label_not_found', label: rules.label };
    const active = state.rollouts.get(rules.label);
    if (active) return { ok: false, reason: 'rollout_active', label: rules.label, rollout: active.id };
    if (baseline === rules.version) return { ok: false, reason: 'same_version', label: rules.label, currentVersion: baseline };
    const rollout = {
      id: rules.id,
      step: 'start' as const,
      basisPoints: rules.basisPoints,
      candidate: rules.version,
      apply: rules.apply,
      reason: null,
    };
    const moves = [{ label: rules.label, from: baseline, to: baseline }];
    return guarded(
      { ok: true, kind: 'rollout', version: baseline, saves: false, moves, head: state.head, deleted: false, rollout },
      policy,
      rules.hasErrors,
    );
  },

  /** Raises or lowers the percent, completes (the label moves to the candidate) or aborts (every session back on the baseline). */
  step(state: KeyState | undefined, rollout: RolloutState | undefined, rules: RolloutStepRules, policy: LabelPolicy): Outcome {
    if (!state || !rollout) return { ok: false, reason: 'rollout_not_found' };
    if (rollout.status !== 'active') return { ok: false, reason: 'rollout_ended', rollout: rollout.id, label: rollout.label };
    const { label, baseline, candidate } = rollout;
    const apply = rules.apply ?? rollout.apply;
    const basisPoints = rules.action === 'percent' ? rules.basisPoints : rules.action === 'complete' ? 10_000 : 0;
    const reason = rules.action === 'abort' ? rules.reason : null;
    const to = rules.action === 'complete' ? candidate : baseline;
    const change = { id: rollout.id, step: rules.action, basisPoints, candidate, apply, reason };
    const plan = {
      ok: true as const,
      kind: 'rollout' as const,
      version: to,
      saves: false,
      moves: [{ label, from: baseline, to }],
      head: state.head,
      deleted: false,
      rollout: change,
    };
    return guarded(plan, policy, rules.action === 'complete' && rules.hasErrors);
  },
};
