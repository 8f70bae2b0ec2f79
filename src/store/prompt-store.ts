import type { CheckReport } from '../protocol/checks.js';
import type { LabelMove, LabelPointer } from '../protocol/labels.js';
import type { Variables } from '../protocol/template.js';
import type { AuditEntry, ChangeKind, Prompt, PromptList, Version, VersionList } from '../protocol/prompts.js';
import type { LabelPolicy, Refusal } from './write-plan.js';

export type { AuditEntry, ChangeKind, VersionList, VersionSummary } from '../protocol/prompts.js';
export type { LabelPolicy, WriteFailure } from './write-plan.js';
/** A live prompt as stored: the wire's Prompt. */
export type PromptRecord = Prompt;
/** One stored version: the wire's Version. */
export type VersionRecord = Version;
/** A label's view of every key and the revision it reflects: the wire's PromptList. */
export type Snapshot = PromptList;

/**
 * The change log: every change in revision order, gap-free. The change feed
 * reads it through this narrow port (on PostgreSQL through a store of its
 * own, so its reads never queue behind writes); `store.module.ts` binds it.
 */
export abstract class ChangeLog {
  /** The latest global revision; 0 when nothing was ever written. */
  abstract revision(): Promise<number>;
  /** Changes with revision > `after`, oldest first, at most `limit`. */
  abstract changesAfter(after: number, limit: number): Promise<ChangeRecord[]>;
}

/**
 * The storage port. It is both the type and the DI token; `store.module.ts`
 * is the one place that picks an implementation. Stores return rows or
 * outcomes and never throw HTTP errors: the service owns the rules, and the
 * write rules themselves live once in `write-plan.ts`, which every store
 * applies inside its write transaction.
 */
export abstract class PromptStore extends ChangeLog {
  /** Short name shown in logs and health ("sqlite", "postgres"). */
  abstract readonly kind: string;
  /** Applies migrations; called once before the server takes requests. */
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;
  /** One cheap query that proves the store answers; throws when it cannot be reached. */
  abstract ping(): Promise<StorePing>;
  /** Every key `label` points at (removals included, as entries without a version), read with the global revision at one moment. */
  abstract labelSnapshot(label: string): Promise<LabelSnapshot>;
  /** The revision of the last change to `label`'s view (of `keys` only, when given); 0 when it never changed. */
  abstract viewRevision(label: string, keys?: ReadonlySet<string>): Promise<number>;
  /** The revision of the last change to every label's view, by label. */
  abstract labelRevisions(): Promise<Record<string, number>>;
  /** The version `label` points at for `key`, or undefined (no such key, deleted, or the label points nowhere). */
  abstract get(key: string, label: string): Promise<PromptRecord | undefined>;
  /** Where every label of `key` points; undefined when the key never existed. */
  abstract listLabels(key: string): Promise<LabelPointer[] | undefined>;
  /** Every key (only `key`, when given: one indexed query) with its newest version and its labels: what the admin's list shows. */
  abstract labelIndex(key?: string): Promise<KeyLabels[]>;
  /** Keys that existed and are deleted now, by key; their history stays readable. */
  abstract listDeleted(): Promise<DeletedPrompt[]>;
  /** Newest first, each with the labels pointing at it; undefined when the key never existed. */
  abstract listVersions(key: string, page: VersionPage): Promise<VersionList | undefined>;
  abstract getVersion(key: string, version: number): Promise<VersionRecord | undefined>;
  abstract create(input: SaveInput): Promise<WriteOutcome>;
  abstract update(input: SaveInput): Promise<WriteOutcome>;
  abstract remove(input: RemoveInput): Promise<WriteOutcome>;
  abstract moveLabel(input: MoveInput): Promise<WriteOutcome>;
  abstract removeLabel(input: UnlabelInput): Promise<WriteOutcome>;
  /** What replaying the log after `after` would send: how many changes and their texts' and variables' UTF-8 bytes. */
  abstract replaySize(after: number): Promise<ReplaySize>;
  /** The UTF-8 bytes of the text and variables of every version `label` points at: what its snapshot carries. */
  abstract snapshotSize(label: string): Promise<number>;
  /** The audit trail: every change ever made (the change log read newest first), filtered and paged by revision. */
  abstract listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Records that the admin UI session `id` was logged out; it stays revoked until `expiresAt`
   * (ms since the epoch), when its cookie expires anyway. Forgets revocations that expired by
   * `now`. Revoking twice is harmless; no revision is used.
   */
  abstract revokeSession(id: string, expiresAt: number, now: number): Promise<void>;
  /** True when the session `id` was logged out (and its revocation not yet forgotten). */
  abstract isSessionRevoked(id: string): Promise<boolean>;
}

/** One key in a label's view: where the label points, or that it was removed (version null), and since which revision. */
export interface LabelEntry {
  key: string;
  version: number | null;
  /** The change that last moved the label for this key. */
  revision: number;
  /** The version the label points at; absent when it points nowhere. */
  prompt?: PromptRecord;
}

export interface LabelSnapshot {
  label: string;
  /** The global revision the read saw: every change up to it is reflected. */
  at: number;
  entries: LabelEntry[];
}

/** A key with its newest version and where its labels point (the admin's list). */
export interface KeyLabels {
  key: string;
  head: number;
  deleted: boolean;
  labels: Record<string, number>;
}

export interface ReplaySize {
  changes: number;
  textBytes: number;
}

export interface StorePing {
  /** The schema version the database is at. */
  schemaVersion: number;
  /** The schema version this build's migrations reach; equal when migrations are applied. */
  latestSchemaVersion: number;
}

export interface DeletedPrompt {
  key: string;
  /** The version production served until the delete (never a draft); rolling back to it restores the prompt. */
  version: number;
  /** When and by whom it was deleted; null for a delete older than the audit trail. */
  deletedAt: string | null;
  deletedBy: string | null;
}

export interface VersionPage {
  limit: number;
  /** Only versions strictly older than this one (a cursor for the next page). */
  before?: number;
}

/** One entry of the change log, joined with its version's text when it has one. */
export interface ChangeRecord {
  revision: number;
  key: string;
  kind: ChangeKind;
  /** The version saved or pointed at (for a delete or unlabel: the one pointed at before). */
  version: number;
  author: string;
  at: string;
  /** The labels the change moved; empty for a draft. */
  moves: LabelMove[];
  /** The version's text; null when the change points labels nowhere (a delete, an unlabel). */
  text: string | null;
  /** The version's declared variables; null exactly when `text` is. */
  variables: Variables | null;
}

/** Who made a write, for the audit trail. */
interface WriteOrigin {
  /** The token name (or "anonymous" on an open server). */
  author: string;
  /** The client's address; defaults to null (a write not made over HTTP, such as the seed). */
  address?: string | null;
}

/** A new version of `key`, pointed at by `labels` (none: a draft). */
export interface SaveInput extends WriteOrigin {
  key: string;
  text: string;
  variables: Variables;
  /** What the checks found in it: stored with the version; an error gates protected labels (write-plan.ts). */
  checks: CheckReport;
  message: string | null;
  labels: readonly string[];
  policy: LabelPolicy;
  /** `If-Match` on a save: the key's newest version, so a save based on a stale read is refused. */
  ifVersion?: number;
}

/** What a save stores besides the change: the version's text, variables and checks. */
export type SavedVersion = Pick<SaveInput, 'text' | 'variables' | 'checks'>;

export interface RemoveInput extends WriteOrigin {
  key: string;
  policy: LabelPolicy;
  ifVersion?: number;
  message?: string | null;
}

/** Points `label` of `key` at `version` (`kind: 'rollback'` for the legacy rollback endpoint). */
export interface MoveInput extends WriteOrigin {
  key: string;
  label: string;
  version: number;
  kind: 'label' | 'rollback';
  message: string | null;
  policy: LabelPolicy;
  /** `If-Match` on a label: the version it must point at now. */
  ifVersion?: number;
  /** True when the checks find an error in `version`: a protected label then moves only with `policy.force`. */
  hasErrors: boolean;
}

export interface UnlabelInput extends WriteOrigin {
  key: string;
  label: string;
  message: string | null;
  policy: LabelPolicy;
  ifVersion?: number;
}

/** What a store needs to log one change: whose, from where, and why. */
export interface ChangeOrigin extends WriteOrigin {
  key: string;
  message?: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Only changes with a revision strictly below this (a cursor for the next page). */
  before?: number;
  key?: string;
  author?: string;
}

/**
 * A write done (`change` null when there was nothing to do: a label that already
 * pointed there), with the version it is about; or why it was refused.
 */
export type WriteOutcome = { ok: true; change: ChangeRecord | null; prompt: PromptRecord | null } | Refusal;
