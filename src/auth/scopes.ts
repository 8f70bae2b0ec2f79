/**
 * What a credential may do. `write` saves versions and moves labels that are
 * not protected; `publish` moves protected labels (PROTECTED_LABELS, by
 * default production), which a delete or a rollback also does. `audit` reads
 * the audit trail. `admin` is what a route that names no scope needs (see
 * require-scope.decorator.ts), so a new route stays closed until someone
 * decides otherwise.
 */
export type Scope = 'read' | 'write' | 'publish' | 'stream' | 'audit' | 'report' | 'admin';

export type Role = 'admin' | 'editor' | 'viewer' | 'agent';

/** The roles that may sign in to the admin UI (the session carries the role's scopes). */
export const UI_ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ['read', 'write', 'publish', 'stream', 'audit', 'admin'],
  // Editors prepare releases: drafts, staging and other unprotected labels; an admin publishes.
  editor: ['read', 'write', 'stream', 'audit'],
  // Viewers see everything and change nothing; the stream keeps their admin pages live.
  viewer: ['read', 'stream', 'audit'],
  // Workers read and follow prompts and say how they are doing; they never change prompts.
  agent: ['read', 'stream', 'report'],
};

/** With no tokens configured (loopback only) every caller may do everything. */
export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'publish', 'stream', 'audit', 'report', 'admin'];
