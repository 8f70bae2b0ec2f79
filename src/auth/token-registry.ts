import { Injectable } from '@nestjs/common';
import { safeEqual, sha256 } from '../common/crypto.js';
import { AppConfig, type NamedToken } from '../config/app-config.js';
import type { Role } from './scopes.js';

export interface KnownToken {
  name: string;
  role: Role;
}

interface Entry extends KnownToken {
  digest: Buffer;
  secret: string;
}

/**
 * The configured tokens. Lookups compare SHA-256 digests in constant time
 * against every entry, so neither the secret's length nor which entry matched
 * shows in the time an answer takes.
 */
@Injectable()
export class TokenRegistry {
  private readonly entries: Entry[];

  constructor(config: AppConfig) {
    const entry =
      (role: Role) =>
      (t: NamedToken): Entry => ({ name: t.name, role, secret: t.secret, digest: sha256(t.secret) });
    this.entries = [...config.auth.admins.map(entry('admin')), ...config.auth.agents.map(entry('agent'))];
  }

  /** True when no token is configured (the server runs open, on loopback only). */
  get open(): boolean {
    return this.entries.length === 0;
  }

  find(secret: string): KnownToken | undefined {
    const given = sha256(secret);
    let found: Entry | undefined;
    for (const e of this.entries) {
      if (safeEqual(given, e.digest) && !found) found = e;
    }
    return found && { name: found.name, role: found.role };
  }

  /** The secret of an admin token by name; sessions are signed with a key derived from it. */
  adminSecret(name: string): string | undefined {
    return this.entries.find((e) => e.role === 'admin' && e.name === name)?.secret;
  }
}
