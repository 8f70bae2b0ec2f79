import { Injectable } from '@nestjs/common';
import { safeEqual, sha256 } from '../common/crypto.js';
import { AppConfig, type NamedToken } from '../config/app-config.js';
import { UI_ROLES, type Role } from './scopes.js';

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
    const { admins, editors, viewers, agents } = config.auth;
    this.entries = [...admins.map(entry('admin')), ...editors.map(entry('editor')), ...viewers.map(entry('viewer')), ...agents.map(entry('agent'))];
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

  /** A token that may sign in to the admin UI, by name, with its secret: its sessions are signed with a key derived from it. */
  uiToken(name: string): (KnownToken & { secret: string }) | undefined {
    const found = this.entries.find((e) => e.name === name && UI_ROLES.includes(e.role));
    return found && { name: found.name, role: found.role, secret: found.secret };
  }
}
