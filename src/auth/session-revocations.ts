import { Injectable } from '@nestjs/common';
import { PromptStore } from '../store/prompt-store.js';

/** Revoked ids held in memory at most; beyond it the oldest are dropped (the store still has them). */
const MAX_KNOWN = 1000;

/**
 * Admin UI sessions ended by a logout, kept in the store so that every
 * replica refuses a copy of the cookie at once. A session not known to be
 * revoked is looked up in the store on every request (one primary-key read):
 * caching "not revoked" would let a logout on another replica go unnoticed
 * for as long as the cache lived. Only "revoked" is cached, since it never
 * changes back before the cookie expires; a replayed logged-out cookie then
 * costs no query at all.
 */
@Injectable()
export class SessionRevocations {
  /** Revoked session id → when its cookie expires (ms since the epoch). */
  private readonly known = new Map<string, number>();

  constructor(private readonly store: PromptStore) {}

  async revoke(id: string, expiresAt: number, now: number): Promise<void> {
    await this.store.revokeSession(id, expiresAt, now);
    this.remember(id, expiresAt, now);
  }

  async isRevoked(id: string, expiresAt: number, now: number): Promise<boolean> {
    if (this.known.has(id)) return true;
    if (!(await this.store.isSessionRevoked(id))) return false;
    this.remember(id, expiresAt, now);
    return true;
  }

  private remember(id: string, expiresAt: number, now: number): void {
    for (const [known, until] of this.known) if (until <= now) this.known.delete(known);
    const oldest = this.known.size >= MAX_KNOWN ? this.known.keys().next().value : undefined;
    if (oldest !== undefined) this.known.delete(oldest);
    this.known.set(id, expiresAt);
  }
}
