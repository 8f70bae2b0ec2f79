import type { BackupAudit, BackupKey, BackupLabel, BackupVersion } from '../protocol/backup.js';
import { decodeMoves, encodeMoves } from './change-rows.js';
import { encodeVariables, fromVersionRow, type VersionRow } from './version-rows.js';

/**
 * Backup records to and from table rows, the same for both stores (their SQL
 * differs; what the columns hold does not). `variables`, `checks` and `moves`
 * are JSON text columns, decoded for the file and encoded again on import.
 */

export type KeyRow = { key: string; head: number; deleted: boolean | number };
export type LabelRow = Omit<BackupLabel, 'type'>;
export type AuditRow = Omit<BackupAudit, 'type' | 'moves'> & { moves: string };

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
];
