import { DEFAULT_LABEL, type LabelMove } from '../protocol/labels.js';
import type { ChangeKind } from '../protocol/prompts.js';

/** What a store knows of a key inside its write transaction. */
export interface KeyState {
  /** The newest version number (drafts included); it keeps counting after a delete. */
  head: number;
  deleted: boolean;
  /** Where each label points now (labels that point nowhere are absent). */
  labels: ReadonlyMap<string, number>;
}

/** Who may move which labels: a protected label moves only for a caller allowed to publish. */
export interface LabelPolicy {
  protectedLabels: readonly string[];
  mayPublish: boolean;
}

export type WriteFailure = 'exists' | 'not_found' | 'stale' | 'version_not_found' | 'label_not_found' | 'protected' | 'default_label_required';

export interface Refusal {
  ok: false;
  reason: WriteFailure;
  /** The version the precondition was compared with (the head, or the label's version). */
  currentVersion?: number;
  /** The label the refusal is about. */
  label?: string;
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
  create(state: KeyState | undefined, labels: readonly string[], policy: LabelPolicy): Outcome {
    if (state && !state.deleted) return { ok: false, reason: 'exists', currentVersion: state.head };
    const version = (state?.head ?? 0) + 1;
    return guarded({ ok: true, kind: 'create', version, saves: true, moves: pointAt(state, labels, version), head: version, deleted: false }, policy);
  },

  update(state: KeyState | undefined, labels: readonly string[], ifVersion: number | undefined, policy: LabelPolicy): Outcome {
    const refused = mustBeLive(state, ifVersion);
    if (refused || !state) return refused ?? { ok: false, reason: 'not_found' };
    const version = state.head + 1;
    return guarded({ ok: true, kind: 'update', version, saves: true, moves: pointAt(state, labels, version), head: version, deleted: false }, policy);
  },

  remove(state: KeyState | undefined, ifVersion: number | undefined, policy: LabelPolicy): Outcome {
    const refused = mustBeLive(state, ifVersion);
    if (refused || !state) return refused ?? { ok: false, reason: 'not_found' };
    const moves = [...state.labels].map(([label, from]) => ({ label, from, to: null }));
    const version = state.labels.get(DEFAULT_LABEL) ?? state.head;
    return guarded({ ok: true, kind: 'delete', version, saves: false, moves, head: state.head, deleted: true }, policy);
  },

  /** Points `label` at an existing version; on a deleted key this restores it. */
  move(state: KeyState | undefined, move: LabelMoveInput, policy: LabelPolicy): Outcome | Unchanged {
    if (!state) return { ok: false, reason: 'not_found' };
    if (!move.versionExists) return { ok: false, reason: 'version_not_found', currentVersion: state.head };
    const from = state.deleted ? undefined : state.labels.get(move.label);
    if (move.ifVersion !== undefined && move.ifVersion !== from) return { ok: false, reason: 'stale', currentVersion: from, label: move.label };
    if (from === move.version) return { ok: true, kind: 'unchanged', version: move.version };
    const moves = [{ label: move.label, from: from ?? null, to: move.version }];
    return guarded({ ok: true, kind: move.kind, version: move.version, saves: false, moves, head: state.head, deleted: false }, policy);
  },

  /** Removes `label` from a key; the default label of a live key stays (delete the key instead). */
  unlabel(state: KeyState | undefined, label: string, ifVersion: number | undefined, policy: LabelPolicy): Outcome {
    if (!state || state.deleted) return { ok: false, reason: 'not_found' };
    const from = state.labels.get(label);
    if (from === undefined) return { ok: false, reason: 'label_not_found', label };
    if (ifVersion !== undefined && ifVersion !== from) return { ok: false, reason: 'stale', currentVersion: from, label };
    if (label === DEFAULT_LABEL) return { ok: false, reason: 'default_label_required', label };
    return guarded(
      { ok: true, kind: 'unlabel', version: from, saves: false, moves: [{ label, from, to: null }], head: state.head, deleted: false },
      policy,
    );
  },
};

export interface LabelMoveInput {
  label: string;
  version: number;
  /** Whether the key has that version at all. */
  versionExists: boolean;
  /** `If-Match` on the label: the version it must point at now. */
  ifVersion?: number;
  kind: 'label' | 'rollback';
}

/** The key must exist and not be deleted, and `If-Match` (when sent) must name its newest version. */
function mustBeLive(state: KeyState | undefined, ifVersion: number | undefined): Refusal | undefined {
  if (!state || state.deleted) return { ok: false, reason: 'not_found' };
  if (ifVersion !== undefined && ifVersion !== state.head) return { ok: false, reason: 'stale', currentVersion: state.head };
  return undefined;
}

function pointAt(state: KeyState | undefined, labels: readonly string[], version: number): LabelMove[] {
  return labels.map((label) => ({ label, from: state && !state.deleted ? (state.labels.get(label) ?? null) : null, to: version }));
}

/** A plan that moves a protected label goes ahead only for a caller allowed to publish. */
function guarded(outcome: Plan, policy: LabelPolicy): Outcome {
  if (policy.mayPublish) return outcome;
  const blocked = outcome.moves.find((m) => policy.protectedLabels.includes(m.label));
  return blocked ? { ok: false, reason: 'protected', label: blocked.label } : outcome;
}
