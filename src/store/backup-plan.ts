import type { BackupAudit, BackupKey, BackupLabel, BackupMeta, BackupRollout, BackupRow, BackupVersion } from '../protocol/backup.js';

/**
 * What an import writes, grouped by table, after the checks below. Both
 * stores apply it inside one write transaction (docs/cli.md#export-and-import).
 */
export interface BackupBatch {
  meta: BackupMeta;
  keys: BackupKey[];
  versions: BackupVersion[];
  labels: BackupLabel[];
  /** In revision order. */
  audit: BackupAudit[];
  rollouts: BackupRollout[];
}

/** `exact` reproduces an export into an empty store; `merge` adds keys the store never had, after its own history. */
export type ImportMode = 'exact' | 'merge';

export type ImportOutcome =
  | { ok: true; revision: number; lastChange: number | null; keys: number; versions: number; labels: number; audit: number; rollouts: number }
  | { ok: false; reason: 'not-empty'; message: string }
  | { ok: false; reason: 'keys-exist'; keys: string[] }
  | { ok: false; reason: 'rollouts-exist'; ids: string[] };

/** Groups the records of a file; `undefined` problem when they describe one consistent store. */
export function batchOf(meta: BackupMeta, rows: readonly BackupRow[]): BackupBatch | { problem: string } {
  const batch: BackupBatch = { meta, keys: [], versions: [], labels: [], audit: [], rollouts: [] };
  for (const row of rows) {
    if (row.type === 'key') batch.keys.push(row);
    else if (row.type === 'version') batch.versions.push(row);
    else if (row.type === 'label') batch.labels.push(row);
    else if (row.type === 'rollout') batch.rollouts.push(row);
    else batch.audit.push(row);
  }
  batch.audit.sort((a, b) => a.revision - b.revision);
  const problem = integrityProblem(batch);
  return problem ? { problem } : batch;
}

/** The references a store's foreign keys and the write rules keep true, checked before anything is written. */
function integrityProblem(b: BackupBatch): string | undefined {
  const heads = new Map<string, number>();
  for (const k of b.keys) {
    if (heads.has(k.key)) return `key ${k.key} is listed twice`;
    heads.set(k.key, k.head);
  }
  const versions = new Set<string>();
  const revisions = new Set(b.audit.map((a) => a.revision));
  if (revisions.size !== b.audit.length) return 'two audit records have the same revision';
  const last = b.audit.at(-1)?.revision ?? 0;
  if (b.meta.revision < last) return `meta.revision ${b.meta.revision} is below the last audit revision ${last}`;
  for (const v of b.versions) {
    const id = `${v.key}@${v.version}`;
    if (versions.has(id)) return `version ${v.version} of ${v.key} is listed twice`;
    if (!heads.has(v.key)) return `version ${v.version} of ${v.key}: the key has no key record`;
    if (v.version > (heads.get(v.key) ?? 0)) return `version ${v.version} of ${v.key} is newer than its key's head`;
    if (!revisions.has(v.revision)) return `version ${v.version} of ${v.key}: no audit record has its revision ${v.revision}`;
    versions.add(id);
  }
  for (const [key, head] of heads) if (!versions.has(`${key}@${head}`)) return `key ${key}: its head version ${head} has no version record`;
  return labelsProblem(b, heads, versions) ?? auditProblem(b, heads) ?? rolloutsProblem(b, versions, revisions);
}

/** What the rollouts table and the offer joins need: known keys and versions, one active rollout per label, steps naming a rollout of the file. */
function rolloutsProblem(b: BackupBatch, versions: Set<string>, revisions: Set<number>): string | undefined {
  const ids = new Map<string, BackupRollout>();
  const active = new Set<string>();
  for (const r of b.rollouts) {
    if (ids.has(r.id)) return `rollout ${r.id} is listed twice`;
    ids.set(r.id, r);
    for (const v of [r.baseline, r.candidate])
      if (!versions.has(`${r.key}@${v}`)) return `rollout ${r.id}: version ${v} of ${r.key} is not in the file`;
    if (!revisions.has(r.revision)) return `rollout ${r.id}: no audit record has its revision ${r.revision}`;
    if (r.status === 'active') {
      if (active.has(`${r.key} ${r.label}`)) return `rollout ${r.id}: a second active rollout of ${r.key} on ${r.label}`;
      active.add(`${r.key} ${r.label}`);
    }
  }
  for (const a of b.audit) {
    if (a.rollout === undefined || a.rollout === null) continue;
    const r = ids.get(a.rollout);
    if (!r) return `audit revision ${a.revision}: rollout ${a.rollout} has no rollout record`;
    if (r.key !== a.key) return `audit revision ${a.revision}: rollout ${a.rollout} is of ${r.key}, not ${a.key}`;
  }
  return undefined;
}

function labelsProblem(b: BackupBatch, heads: Map<string, number>, versions: Set<string>): string | undefined {
  const seen = new Set<string>();
  for (const l of b.labels) {
    if (seen.has(`${l.key} ${l.label}`)) return `label ${l.label} of ${l.key} is listed twice`;
    seen.add(`${l.key} ${l.label}`);
    if (!heads.has(l.key)) return `label ${l.label} of ${l.key}: the key has no key record`;
    if (l.version !== null && !versions.has(`${l.key}@${l.version}`))
      return `label ${l.label} of ${l.key} points at version ${l.version}, which is not in the file`;
    if (l.revision > b.meta.revision) return `label ${l.label} of ${l.key}: revision ${l.revision} is after meta.revision`;
  }
  return undefined;
}

function auditProblem(b: BackupBatch, heads: Map<string, number>): string | undefined {
  const unknown = b.audit.find((a) => !heads.has(a.key));
  return unknown && `audit revision ${unknown.revision}: key ${unknown.key} has no key record`;
}

/**
 * The batch renumbered to follow a store whose last revision is `after`:
 * the file's changes keep their order and get `after + 1`, `after + 2`, …;
 * a version or label takes the new number of its change. A label revision
 * that names no change (one backfilled by an old migration) takes the
 * number of the last change before it.
 */
export function renumbered(b: BackupBatch, after: number): BackupBatch {
  const map = new Map(b.audit.map((a, i) => [a.revision, after + i + 1]));
  const olds = b.audit.map((a) => a.revision);
  const to = (r: number): number => {
    const exact = map.get(r);
    if (exact !== undefined) return exact;
    const before = olds.filter((o) => o < r).at(-1);
    return before === undefined ? after : (map.get(before) ?? after);
  };
  return {
    meta: { ...b.meta, revision: after + b.audit.length },
    keys: b.keys,
    versions: b.versions.map((v) => ({ ...v, revision: to(v.revision) })),
    labels: b.labels.map((l) => ({ ...l, revision: to(l.revision) })),
    audit: b.audit.map((a) => ({ ...a, revision: to(a.revision) })),
    rollouts: b.rollouts.map((r) => ({ ...r, revision: to(r.revision), history: r.history.map((s) => ({ ...s, revision: to(s.revision) })) })),
  };
}

/** Rows read per query while exporting. */
export const EXPORT_PAGE = 500;
