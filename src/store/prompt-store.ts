import type { AuditEntry, ChangeKind, Prompt, PromptList, Version, VersionList } from '../protocol/prompts.js';

export type { AuditEntry, ChangeKind, VersionList, VersionSummary } from '../protocol/prompts.js';
/** A live prompt as stored: the wire's Prompt. */
export type PromptRecord = Prompt;
/** One stored version: the wire's Version. */
export type VersionRecord = Version;
/** All live prompts and the revision they reflect: the wire's PromptList. */
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
 * outcomes and never throw HTTP errors: the service owns the rules.
 */
export abstract class PromptStore extends ChangeLog {
  /** Short name shown in logs and health ("sqlite", "postgres"). */
  abstract readonly kind: string;
  /** Applies migrations; called once before the server takes requests. */
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;
  /** One cheap query that proves the store answers; throws when it cannot be reached. */
  abstract ping(): Promise<StorePing>;
  /** All live prompts and the revision they reflect, read consistently. */
  abstract snapshot(): Promise<Snapshot>;
  /** The live prompt, or undefined when it never existed or is deleted. */
  abstract get(key: string): Promise<PromptRecord | undefined>;
  /** Keys that existed and are deleted now, by key; their history stays readable. */
  abstract listDeleted(): Promise<DeletedPrompt[]>;
  /** Newest first; undefined when the key never existed. */
  abstract listVersions(key: string, page: VersionPage): Promise<VersionList | undefined>;
  abstract getVersion(key: string, version: number): Promise<VersionRecord | undefined>;
  abstract create(input: CreateInput): Promise<WriteOutcome>;
  abstract update(input: UpdateInput): Promise<WriteOutcome>;
  abstract remove(input: RemoveInput): Promise<WriteOutcome>;
  abstract rollback(input: RollbackInput): Promise<WriteOutcome>;
  /** What replaying the log after `after` would send: how many changes and their texts' UTF-8 bytes. */
  abstract replaySize(after: number): Promise<ReplaySize>;
  /** The UTF-8 bytes of every live prompt's text: what a snapshot carries. */
  abstract snapshotSize(): Promise<number>;
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
  /** The last version before the delete; rolling back to it restores the prompt. */
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
  version: number;
  author: string;
  at: string;
  /** The version's text; null for deletes. */
  text: string | null;
}

/** Who made a write, for the audit trail. */
interface WriteOrigin {
  /** The token name (or "anonymous" on an open server). */
  author: string;
  /** The client's address; defaults to null (a write not made over HTTP, such as the seed). */
  address?: string | null;
}

export interface CreateInput extends WriteOrigin {
  key: string;
  text: string;
  message: string | null;
}

export interface UpdateInput extends CreateInput {
  /** When set, the write only happens if this is still the current version. */
  ifVersion?: number;
}

export interface RemoveInput extends WriteOrigin {
  key: string;
  ifVersion?: number;
}

export interface RollbackInput extends WriteOrigin {
  key: string;
  toVersion: number;
  message: string | null;
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

export type WriteFailure = 'exists' | 'not_found' | 'stale' | 'version_not_found';

export type WriteOutcome =
  { ok: true; change: ChangeRecord; prompt: PromptRecord | null } | { ok: false; reason: WriteFailure; currentVersion?: number };
