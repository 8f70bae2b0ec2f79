/**
 * What a credential may do. `write` saves versions and moves labels that are
 * not protected; `publish` moves protected labels (PROTECTED_LABELS, by
 * default production) and deletes prompts. `admin` covers the admin UI and
 * the audit trail; a route that names no scope needs it (see
 * require-scope.decorator.ts).
 */
export type Scope = 'read' | 'write' | 'publish' | 'stream' | 'report' | 'admin';

export type Role = 'admin' | 'agent';

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ['read', 'write', 'publish', 'stream', 'admin'],
  // Workers read and follow prompts and say how they are doing; they never change prompts.
  agent: ['read', 'stream', 'report'],
};

/** With no tokens configured (loopback only) every caller may do everything. */
export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'publish', 'stream', 'report', 'admin'];
