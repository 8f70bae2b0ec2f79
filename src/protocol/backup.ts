import {
  auditRollout,
  basisPoints,
  guard,
  history,
  key,
  moves,
  nullable,
  number,
  oneOf,
  ROLLOUT_STATUSES,
  stamp,
  string,
  text,
  variables,
  type Fields,
} from './backup-fields.js';
import type { CheckReport } from './checks.js';
import { isLabel, type LabelMove } from './labels.js';
import { CHANGE_KINDS, type ChangeKind } from './prompts.js';
import { ROLLOUT_ID_PATTERN } from './rollout-rules.js';
import { APPLY_SCOPES, type ApplyScope, type RolloutGuard, type RolloutStatus, type RolloutStep, type RolloutStepName } from './rollouts.js';
import type { Variables } from './template.js';

/**
 * The backup format of `GET /api/admin/export` and `POST /api/admin/import`
 * (docs/cli.md#export-and-import): JSON lines, one record per line, each with
 * a `type`. A `meta` line comes first and an `end` line (the number of records
 * between them) last, so a cut-off file is refused instead of half imported.
 * New record types are added as new `type`s; a server refuses a type it does
 * not know rather than dropping it. Version 2 added `rollout` records and the
 * audit record's rollout fields; a version 1 file still imports (those
 * fields null). Session reports are not in backups (docs/cli.md).
 */
export const BACKUP_FORMAT = 'promptcast-backup';
export const BACKUP_FORMAT_VERSION = 2;
/** Versions an import reads. */
export const BACKUP_FORMAT_VERSIONS: readonly number[] = [1, 2];
export const BACKUP_CONTENT_TYPE = 'application/x-ndjson';

export interface BackupMeta {
  type: 'meta';
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** The global revision's high-water mark when the export read the store: the next change gets the one after it. */
  revision: number;
  exportedAt: string;
}

/** One key that ever existed: its newest version number and whether it is deleted now. */
export interface BackupKey {
  type: 'key';
  key: string;
  head: number;
  deleted: boolean;
}

/** One immutable version, as stored. */
export interface BackupVersion {
  type: 'version';
  key: string;
  version: number;
  text: string;
  author: string;
  message: string | null;
  createdAt: string;
  /** The change that saved it. */
  revision: number;
  variables: Variables;
  checks: CheckReport | null;
}

/** Where a label of a key points (null: removed), and the change that last moved it. */
export interface BackupLabel {
  type: 'label';
  key: string;
  label: string;
  version: number | null;
  revision: number;
}

/** One change of the audit trail (the change log). */
export interface BackupAudit {
  type: 'audit';
  revision: number;
  key: string;
  kind: ChangeKind;
  version: number;
  author: string;
  address: string | null;
  message: string | null;
  at: string;
  moves: LabelMove[];
  forced: string | null;
  /** The scope the writer gave (format 2; null before). */
  apply?: ApplyScope | null;
  /** A rollout step: the rollout, the step, the candidate and the basis points after it (format 2; null otherwise). */
  rollout?: string | null;
  rolloutStep?: RolloutStepName | null;
  rolloutCandidate?: number | null;
  rolloutBasisPoints?: number | null;
}

/** One rollout, active or ended, with its history (format 2). `revision`: the change that started it. */
export interface BackupRollout {
  type: 'rollout';
  id: string;
  key: string;
  label: string;
  baseline: number;
  candidate: number;
  basisPoints: number;
  apply: ApplyScope;
  guard: RolloutGuard | null;
  status: RolloutStatus;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  reason: string | null;
  history: RolloutStep[];
}

export interface BackupEnd {
  type: 'end';
  /** Records between `meta` and `end`. */
  records: number;
}

/** A record of the store's state (what an import writes). */
export type BackupRow = BackupKey | BackupVersion | BackupLabel | BackupAudit | BackupRollout;
export type BackupRecord = BackupMeta | BackupRow | BackupEnd;
export const BACKUP_TYPES: readonly BackupRecord['type'][] = ['meta', 'key', 'version', 'label', 'audit', 'rollout', 'end'];

type Parsed = { record: BackupRecord } | { problem: string };

/** Checks one parsed line against the format; the problem names the field. */
export function parseBackupRecord(value: unknown): Parsed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'a line must be a JSON object' };
  const v = value as Fields;
  if (!BACKUP_TYPES.includes(v.type as BackupRecord['type'])) {
    return { problem: `unknown record type ${JSON.stringify(v.type)} (this server knows ${BACKUP_TYPES.join(', ')})` };
  }
  const problem = PARSERS[v.type as BackupRecord['type']](v);
  return problem ? { problem: `${String(v.type)}: ${problem}` } : { record: value as BackupRecord };
}

const PARSERS: Record<BackupRecord['type'], (v: Fields) => string | undefined> = {
  meta: (v) =>
    v.format !== BACKUP_FORMAT || !BACKUP_FORMAT_VERSIONS.includes(v.formatVersion as number)
      ? `format must be "${BACKUP_FORMAT}" version ${BACKUP_FORMAT_VERSIONS.join(' or ')}`
      : (number(v, 'revision', 0) ?? stamp(v, 'exportedAt')),
  key: (v) => key(v) ?? number(v, 'head', 1) ?? (typeof v.deleted === 'boolean' ? undefined : 'deleted must be true or false'),
  version: (v) =>
    key(v) ??
    number(v, 'version', 1) ??
    text(v.text) ??
    string(v, 'author') ??
    nullable(v, 'message') ??
    stamp(v, 'createdAt') ??
    number(v, 'revision', 1) ??
    variables(v.variables) ??
    (v.checks === null || (typeof v.checks === 'object' && !Array.isArray(v.checks)) ? undefined : 'checks must be an object or null'),
  label: (v) =>
    key(v) ??
    (isLabel(v.label) ? undefined : 'label is not a label name') ??
    (v.version === null ? undefined : number(v, 'version', 1)) ??
    number(v, 'revision', 0),
  audit: (v) =>
    number(v, 'revision', 1) ??
    key(v) ??
    (CHANGE_KINDS.includes(v.kind as ChangeKind) ? undefined : `kind must be one of ${CHANGE_KINDS.join(', ')}`) ??
    number(v, 'version', 0) ??
    string(v, 'author') ??
    nullable(v, 'address') ??
    nullable(v, 'message') ??
    stamp(v, 'at') ??
    moves(v.moves) ??
    nullable(v, 'forced') ??
    auditRollout(v),
  rollout: (v) =>
    (typeof v.id === 'string' && ROLLOUT_ID_PATTERN.test(v.id) ? undefined : 'id must be a rollout id (1-64 letters, digits, _ or -)') ??
    key(v) ??
    (isLabel(v.label) ? undefined : 'label is not a label name') ??
    number(v, 'baseline', 1) ??
    number(v, 'candidate', 1) ??
    basisPoints(v.basisPoints) ??
    oneOf(v, 'apply', APPLY_SCOPES) ??
    guard(v.guard) ??
    oneOf(v, 'status', ROLLOUT_STATUSES) ??
    number(v, 'revision', 1) ??
    stamp(v, 'createdAt') ??
    string(v, 'createdBy') ??
    stamp(v, 'updatedAt') ??
    string(v, 'updatedBy') ??
    nullable(v, 'reason') ??
    history(v.history),
  end: (v) => number(v, 'records', 0),
};
