import type { CheckReport } from './checks.js';
import { isLabel, type LabelMove } from './labels.js';
import { CHANGE_KINDS, PROMPT_KEY_PATTERN, type ChangeKind } from './prompts.js';
import { REVISION_MAX } from './revision.js';
import { ROLLOUT_ID_PATTERN } from './rollout-rules.js';
import { APPLY_SCOPES, type ApplyScope, type RolloutGuard, type RolloutStatus, type RolloutStep, type RolloutStepName } from './rollouts.js';
import type { Variables } from './template.js';
import { textFault } from './text.js';
import { parseVariables } from './variables.js';

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

/** Timestamps as both stores write them: `toISOString()`, millisecond precision, UTC. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longest author, address, message or forced reason a record may carry, in characters. */
export const BACKUP_STRING_MAX = 4096;

type Fields = Record<string, unknown>;
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

function key(v: Fields): string | undefined {
  return typeof v.key === 'string' && PROMPT_KEY_PATTERN.test(v.key) ? undefined : 'key is not a prompt key';
}

function number(v: Fields, field: string, min: number): string | undefined {
  const n = v[field];
  return Number.isSafeInteger(n) && (n as number) >= min && (n as number) <= REVISION_MAX ? undefined : `${field} must be a whole number from ${min}`;
}

function string(v: Fields, field: string): string | undefined {
  const s = v[field];
  if (typeof s !== 'string' || s.length > BACKUP_STRING_MAX) return `${field} must be a string of at most ${BACKUP_STRING_MAX} characters`;
  return textFault(s) && `${field}: ${textFault(s)}`;
}

function nullable(v: Fields, field: string): string | undefined {
  return v[field] === null ? undefined : string(v, field);
}

function stamp(v: Fields, field: string): string | undefined {
  const s = v[field];
  return typeof s === 'string' && TIMESTAMP.test(s) && !Number.isNaN(Date.parse(s))
    ? undefined
    : `${field} must be a timestamp such as 2026-01-31T12:00:00.000Z`;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'text must be a string';
  return textFault(value) && `text: ${textFault(value)}`;
}

function variables(value: unknown): string | undefined {
  const parsed = parseVariables(value);
  return 'problem' in parsed ? `variables: ${parsed.problem}` : undefined;
}

function moves(value: unknown): string | undefined {
  const ok =
    Array.isArray(value) &&
    value.every(
      (m: Fields) =>
        typeof m === 'object' &&
        m !== null &&
        isLabel(m.label) &&
        (m.to === null || Number.isSafeInteger(m.to)) &&
        (m.from === undefined || m.from === null || Number.isSafeInteger(m.from)),
    );
  return ok ? undefined : 'moves must be a list of {label, from?, to}';
}

const ROLLOUT_STATUSES: readonly RolloutStatus[] = ['active', 'completed', 'aborted'];
const STEP_NAMES: readonly RolloutStepName[] = ['start', 'percent', 'complete', 'abort'];
/** Longest rollout history a record may carry, in steps. */
export const BACKUP_HISTORY_MAX = 1000;

function oneOf(v: Fields, field: string, allowed: readonly string[]): string | undefined {
  return allowed.includes(v[field] as string) ? undefined : `${field} must be one of ${allowed.join(', ')}`;
}

function basisPoints(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 10_000
    ? undefined
    : 'basisPoints must be a whole number from 0 to 10000';
}

/** The audit record's rollout fields: absent (format 1) or null together, or all set. */
function auditRollout(v: Fields): string | undefined {
  if (v.apply !== undefined && v.apply !== null && !APPLY_SCOPES.includes(v.apply as ApplyScope))
    return `apply must be null or one of ${APPLY_SCOPES.join(', ')}`;
  const fields = ['rollout', 'rolloutStep', 'rolloutCandidate', 'rolloutBasisPoints'];
  if (fields.every((f) => v[f] === undefined || v[f] === null)) return undefined;
  return (
    (typeof v.rollout === 'string' && ROLLOUT_ID_PATTERN.test(v.rollout) ? undefined : 'rollout must be a rollout id') ??
    oneOf(v, 'rolloutStep', STEP_NAMES) ??
    number(v, 'rolloutCandidate', 1) ??
    (basisPoints(v.rolloutBasisPoints) && `rolloutBasisPoints: ${basisPoints(v.rolloutBasisPoints)}`)
  );
}

function guard(value: unknown): string | undefined {
  if (value === null) return undefined;
  const g = value as Fields;
  const ok =
    typeof g === 'object' &&
    !Array.isArray(g) &&
    typeof g.metric === 'string' &&
    g.metric.length <= 100 &&
    typeof g.maxIncrease === 'number' &&
    g.maxIncrease >= 0 &&
    g.maxIncrease <= 1 &&
    Number.isSafeInteger(g.minSessions) &&
    (g.minSessions as number) >= 0;
  return ok ? undefined : 'guard must be null or {metric, maxIncrease (0-1), minSessions}';
}

function history(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > BACKUP_HISTORY_MAX)
    return `history must be a list of 1 to ${BACKUP_HISTORY_MAX} steps`;
  const bad = value.findIndex(
    (s: Fields) =>
      typeof s !== 'object' ||
      s === null ||
      (oneOf(s, 'action', STEP_NAMES) ??
        (typeof s.percent === 'number' && s.percent >= 0 && s.percent <= 100 ? undefined : 'percent') ??
        string(s, 'author') ??
        stamp(s, 'at') ??
        number(s, 'revision', 1) ??
        nullable(s, 'reason')) !== undefined,
  );
  return bad === -1 ? undefined : `history step ${bad}: must be {action, percent (0-100), author, at, revision, reason}`;
}
