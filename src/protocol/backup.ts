import type { CheckReport } from './checks.js';
import { isLabel, type LabelMove } from './labels.js';
import { CHANGE_KINDS, PROMPT_KEY_PATTERN, type ChangeKind } from './prompts.js';
import { REVISION_MAX } from './revision.js';
import type { Variables } from './template.js';
import { textFault } from './text.js';
import { parseVariables } from './variables.js';

/**
 * The backup format of `GET /api/admin/export` and `POST /api/admin/import`
 * (docs/cli.md#export-and-import): JSON lines, one record per line, each with
 * a `type`. A `meta` line comes first and an `end` line (the number of records
 * between them) last, so a cut-off file is refused instead of half imported.
 * New record types (rollouts, sessions) are added as new `type`s; a server
 * refuses a type it does not know rather than dropping it.
 */
export const BACKUP_FORMAT = 'promptcast-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_CONTENT_TYPE = 'application/x-ndjson';

export interface BackupMeta {
  type: 'meta';
  format: typeof BACKUP_FORMAT;
  formatVersion: typeof BACKUP_FORMAT_VERSION;
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
}

export interface BackupEnd {
  type: 'end';
  /** Records between `meta` and `end`. */
  records: number;
}

/** A record of the store's state (what an import writes). */
export type BackupRow = BackupKey | BackupVersion | BackupLabel | BackupAudit;
export type BackupRecord = BackupMeta | BackupRow | BackupEnd;
export const BACKUP_TYPES: readonly BackupRecord['type'][] = ['meta', 'key', 'version', 'label', 'audit', 'end'];

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
    v.format !== BACKUP_FORMAT || v.formatVersion !== BACKUP_FORMAT_VERSION
      ? `format must be "${BACKUP_FORMAT}" version ${BACKUP_FORMAT_VERSION}`
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
    nullable(v, 'forced'),
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
