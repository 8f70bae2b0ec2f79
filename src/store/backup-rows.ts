import type { BackupAudit, BackupKey, BackupLabel, BackupRollout, BackupVersion } from '../protocol/backup.js';
import type { RolloutGuard, RolloutStep } from '../protocol/rollouts.js';
import { decodeMoves, encodeMoves } from './change-rows.js';
import { encodeVariables, fromVersionRow, type VersionRow } from './version-rows.js';

/**
 * Backup records to and from table rows, the same for both stores (their SQL
 * differs; what the columns hold does not). `variables`, `checks` and `moves`
 * are JSON text columns, decoded for the file and encoded again on import.
 */

export type KeyRow = { key: string; head: number; deleted: boolean | number };
export type LabelRow = Omit<BackupLabel, 'type'>;
export type AuditRow = Required<Omit<BackupAudit, 'type' | 'moves'>> & { moves: string };
/** `guard` and `history` still JSON. */
export type RolloutRow = Omit<BackupRollout, 'type' | 'guard' | 'history'> & { guard: string | null; history: string };

const num = (n: number | string | null | undefined): number | null => (n === null || n === undefined ? null : Number(n));

export const keyRecord = (r: KeyRow): BackupKey => ({
  type: 'key',
  key: r.key,
  head: Number(r.head),
  deleted: r.deleted === true || r.deleted === 1,
});

export const versionRecord = (r: VersionRow): BackupVersion => {
  const v = fromVersionRow(r);
  return {
    type: 'version',
    key: v.key,
    version: Number(v.version),
    text: v.text,
    author: v.author,
    message: v.message,
    createdAt: v.createdAt,
    revision: Number(v.revision),
    variables: v.variables,
    checks: v.checks,
  };
};

export const labelRecord = (r: LabelRow): BackupLabel => ({
  type: 'label',
  key: r.key,
  label: r.label,
  version: r.version === null ? null : Number(r.version),
  revision: Number(r.revision),
});

export const auditRecord = (r: AuditRow): BackupAudit => ({
  type: 'audit',
  revision: Number(r.revision),
  key: r.key,
  kind: r.kind,
  version: Number(r.version),
  author: r.author,
  address: r.address,
  message: r.message,
  at: r.at,
  moves: decodeMoves(r.moves),
  forced: r.forced,
  apply: r.apply ?? null,
  rollout: r.rollout ?? null,
  rolloutStep: r.rolloutStep ?? null,
  rolloutCandidate: num(r.rolloutCandidate),
  rolloutBasisPoints: num(r.rolloutBasisPoints),
});

export const rolloutRecord = (r: RolloutRow): BackupRollout => ({
  type: 'rollout',
  id: r.id,
  key: r.key,
  label: r.label,
  baseline: Number(r.baseline),
  candidate: Number(r.candidate),
  basisPoints: Number(r.basisPoints),
  apply: r.apply,
  guard: r.guard === null ? null : (JSON.parse(r.guard) as RolloutGuard),
  status: r.status,
  revision: Number(r.revision),
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
  reason: r.reason,
  history: JSON.parse(r.history) as RolloutStep[],
});

/** Column values in the order of the stores' insert statements. */
export const versionValues = (v: BackupVersion): unknown[] => [
  v.key,
  v.version,
  v.text,
  v.author,
  v.message,
  v.createdAt,
  v.revision,
  encodeVariables(v.variables),
  v.checks === null ? null : JSON.stringify(v.checks),
];

export const auditValues = (a: BackupAudit): unknown[] => [
  a.revision,
  a.key,
  a.kind,
  a.version,
  a.author,
  a.address,
  a.message,
  a.at,
  encodeMoves(a.moves),
  a.forced,
  // A format 1 file has none of these: null, as the columns were before rollouts.
  a.apply ?? null,
  a.rollout ?? null,
  a.rolloutStep ?? null,
  a.rolloutCandidate ?? null,
  a.rolloutBasisPoints ?? null,
];

/** In the order of ROLLOUT_COLUMNS below. */
export const rolloutValues = (r: BackupRollout): unknown[] => [
  r.id,
  r.key,
  r.label,
  r.baseline,
  r.candidate,
  r.basisPoints,
  r.apply,
  r.guard === null ? null : JSON.stringify(r.guard),
  r.status,
  r.revision,
  r.createdAt,
  r.createdBy,
  r.updatedAt,
  r.updatedBy,
  r.reason,
  JSON.stringify(r.history),
];

/** The columns both stores' imports write, as rolloutValues orders them. */
export const ROLLOUT_COLUMNS =
  'id, key, label, baseline, candidate, basis_points, apply, guard, status, revision, created_at, created_by, updated_at, updated_by, reason, history';
export const AUDIT_COLUMNS =
  'revision, key, kind, version, author, address, message, at, moves, forced, apply, rollout, rollout_step, rollout_candidate, rollout_basis_points';
