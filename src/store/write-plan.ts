import { hasErrors, type CheckReport } from '../protocol/checks.js';
import { DEFAULT_LABEL, type LabelMove } from '../protocol/labels.js';
import type { ChangeKind } from '../protocol/prompts.js';
import type { ApplyScope, RolloutStepName } from '../protocol/rollouts.js';

/** What a store knows of a key inside its write transaction. */
export interface KeyState {
  /** The newest version number (drafts included); it keeps counting after a delete. */
  head: number;
  deleted: boolean;
  /** Where each label points now (labels that point nowhere are absent). */
  labels: ReadonlyMap<string, number>;
  /** The active rollout of each label that has one (docs/rollouts.md): such a label moves only through its rollout. */
  rollouts: ReadonlyMap<string, ActiveRollout>;
}

/** What the write rules need of an active rollout. */
export interface ActiveRollout {
  id: string;
  baseline: number;
  candidate: number;
}

/**
 * Who may move which labels: a protected label moves only for a caller
 * allowed to publish, and only to a version whose checks found no error
 * unless that caller forces it, giving a reason (kept in the audit trail).
 */
export interface LabelPolicy {
  protectedLabels: readonly string[];
  mayPublish: boolean;
  /** The reason given with `force: true`. */
  force?: string;
}

export type WriteFailure =
  | 'exists'
  | 'not_found'
  | 'stale'
  | 'version_not_found'
  | 'label_not_found'
  | 'protected'
  | 'checks_failed'
  | 'default_label_required'
  | 'rollout_active'
  | 'rollout_not_found'
  | 'rollout_ended'
  | 'same_version';

export interface Refusal {
  ok: false;
  reason: WriteFailure;
  /** The version the precondition was compared with (the head, or the label's version). */
  currentVersion?: number;
  /** The label the refusal is about. */
  label?: string;
  /** The rollout the refusal is about (`rollout_active`: the one in the way). */
  rollout?: string;
}

/** A write that may go ahead: what to record and what the key looks like after it. */
export interface Plan {
  ok: true;
  kind: ChangeKind;
  /** The version the change saves or points at (for a delete or unlabel: the one pointed at before). */
  version: number;
  /** True when `version` is a new version to insert. */
  saves: boolean;
  moves: LabelMove[];
  head: number;
  deleted: boolean;
  /** The reason a publish went ahead over failing checks; the audit row keeps it. */
  forced?: string;
  /** For a change of kind `rollout`: the step it is (rollout-plan.ts). */
  rollout?: RolloutChange;
}

/** One step of a rollout as a change records it: the audit row's rollout columns. */
export interface RolloutChange {
  id: string;
  step: RolloutStepName;
  /** The percent after the step, in hundredths (basis points: bucket < basisPoints gets the candidate). */
  basisPoints: number;
  candidate: number;
  /** How the step reaches running calls. */
  apply: ApplyScope;
  /** Why (an abort's reason, the guard's figures). */
  reason: string | null;
}

/** Nothing to do: the label already points there. */
export interface Unchanged {
  ok: true;
  kind: 'unchanged';
  version: number;
}

export type Outcome = Refusal | Plan;

/**
 * The write rules, once for every store: each function looks at the key as
 * the store read it inside its write transaction and answers what the write
 * does, or why it may not. The store only applies the answer.
 */
export const plan = {
  create(state: KeyState | undefined, save: SaveRules): Outcome {
    if (state && !state.deleted) return { ok: false, reason: 'exists', currentVersion: state.head };
    const version = (state?.head ?? 0) + 1;
    const moves = pointAt(state, save.labels, version);
    const held = inRollout(state, save.labels);
    if (held) return held;
    return guarded({ ok: true, kind: 'create', version, saves: true, moves, head: version, deleted: false }, save.policy, save.hasErrors);
  },

  update(state: KeyState | undefined, save: SaveRules): Outcome {
    const refused = mustBeLive(state, save.ifVersion);
    if (refused || !state) return refused ?? { ok: false, reason: 'not_found' };
    const version = state.head + 1;
    const moves = pointAt(state, save.labels, version);
    const held = inRollout(state, save.labels);
    if (held) return held;
    return guarded({ ok: true, kind: 'update', version, saves: true, moves, head: version, deleted: false }, save.policy, save.hasErrors);
  },

  remove(state: KeyState | undefined, ifVersion: number | undefined, policy: LabelPolicy): Outcome {
    const refused = mustBeLive(state, ifVersion);
    if (refused || !state) return refused ?? { ok: false, reason: 'not_found' };
    const held = inRollout(state, [...state.labels.keys()]);
    if (held) return held;
    const moves = [...state.labels].map(([label, from]) => ({ label, from, to: null }));
    const version = state.labels.get(DEFAULT_LABEL) ?? state.head;
    return guarded({ ok: true, kind: 'delete', version, saves: false, moves, head: state.head, deleted: true }, policy, false);
  },

  /** Points `label` at an existing version; on a deleted key this restores it. */
  move(state: KeyState | undefined, move: LabelMoveInput, policy: LabelPolicy): Outcome | Unchanged {
    if (!state) return { ok: false, reason: 'not_found' };
    if (!move.versionExists) return { ok: false, reason: 'version_not_found', currentVersion: state.head };
    const from = state.deleted ? undefined : state.labels.get(move.label);
    if (move.ifVersion !== undefined && move.ifVersion !== from) return { ok: false, reason: 'stale', currentVersion: from, label: move.label };
    const held = inRollout(state, [move.label]);
    if (held) return held;
    if (from === move.version) return { ok: true, kind: 'unchanged', version: move.version };
    const moves = [{ label: move.label, from: from ?? null, to: move.version }];
    return guarded(
      { ok: true, kind: move.kind, version: move.version, saves: false, moves, head: state.head, deleted: false },
      policy,
      move.hasErrors,
    );
  },

  /** Removes `label` from a key; the default label of a live key stays (delete the key instead). */
  unlabel(state: KeyState | undefined, label: string, ifVersion: number | undefined, policy: LabelPolicy): Outcome {
    if (!state || state.deleted) return { ok: false, reason: 'not_found' };
    const from = state.labels.get(label);
    if (from === undefined) return { ok: false, reason: 'label_not_found', label };
    if (ifVersion !== undefined && ifVersion !== from) return { ok: false, reason: 'stale', currentVersion: from, label };
    if (label === DEFAULT_LABEL) return { ok: false, reason: 'default_label_required', label };
    const held = inRollout(state, [label]);
    if (held) return held;
    return guarded(
      { ok: true, kind: 'unlabel', version: from, saves: false, moves: [{ label, from, to: null }], head: state.head, deleted: false },
      policy,
      false,
    );
  },
};

/** What a save asks of the rules: the labels to point at the new version, and whether its checks found an error. */
export interface SaveRules {
  labels: readonly string[];
  policy: LabelPolicy;
  hasErrors: boolean;
  ifVersion?: number;
}

/** A save as the rules see it. */
export function saveRules(save: { labels: readonly string[]; policy: LabelPolicy; checks: CheckReport; ifVersion?: number }): SaveRules {
  return { labels: save.labels, policy: save.policy, hasErrors: hasErrors(save.checks), ifVersion: save.ifVersion };
}

export interface LabelMoveInput {
  label: string;
  version: number;
  /** Whether the key has that version at all. */
  versionExists: boolean;
  /** `If-Match` on the label: the version it must point at now. */
  ifVersion?: number;
  kind: 'label' | 'rollback';
  /** Whether the checks find an error in that version. */
  hasErrors: boolean;
}

/** The key must exist and not be deleted, and `If-Match` (when sent) must name its newest version. */
function mustBeLive(state: KeyState | undefined, ifVersion: number | undefined): Refusal | undefined {
  if (!state || state.deleted) return { ok: false, reason: 'not_found' };
  if (ifVersion !== undefined && ifVersion !== state.head) return { ok: false, reason: 'stale', currentVersion: state.head };
  return undefined;
}

/**
 * A label with an active rollout moves only through that rollout (complete or
 * abort it first): a direct move would change the baseline under the
 * sessions already assigned to it.
 */
function inRollout(state: KeyState | undefined, labels: Iterable<string>): Refusal | undefined {
  if (!state || state.deleted) return undefined;
  for (const label of labels) {
    const rollout = state.rollouts.get(label);
    if (rollout) return { ok: false, reason: 'rollout_active', label, rollout: rollout.id };
  }
  return undefined;
}

function pointAt(state: KeyState | undefined, labels: readonly string[], version: number): LabelMove[] {
  return labels.map((label) => ({ label, from: state && !state.deleted ? (state.labels.get(label) ?? null) : null, to: version }));
}

/**
 * A plan that moves a protected label goes ahead only for a caller allowed to
 * publish; one that points a protected label at a version with errors, only
 * when that caller forces it (removing a label publishes nothing, so it is
 * never gated on checks).
 */
export function guarded(outcome: Plan, policy: LabelPolicy, hasErrors: boolean): Outcome {
  const protectedMove = outcome.moves.find((m) => policy.protectedLabels.includes(m.label));
  if (protectedMove && !policy.mayPublish) return { ok: false, reason: 'protected', label: protectedMove.label };
  const gated = hasErrors ? outcome.moves.find((m) => m.to !== null && policy.protectedLabels.includes(m.label)) : undefined;
  if (!gated) return outcome;
  return policy.force === undefined ? { ok: false, reason: 'checks_failed', label: gated.label } : { ...outcome, forced: policy.force };
}
