import { BlockList, isIP } from 'node:net';
import type { AuthConfig, NamedToken } from './app-config.js';
import { LABEL_PATTERN, LABEL_RULE } from '../protocol/labels.js';
import { ConfigError } from './config-error.js';
import type { EnvVars } from './env.vars.js';

/** Token names end up in versions, the audit trail and logs: keep them plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
/** A secret anyone could guess in a few thousand tries is not a secret. */
const SECRET_MIN_LENGTH = 16;
const SECRET = /^[\x21-\x7e]+$/;

/**
 * Parses the token variables (ADMIN_, EDITOR_, VIEWER_, AGENT_TOKENS) and
 * refuses an open server on a non-loopback HOST. Messages name the variable
 * and the entry, never a secret.
 */
export function authConfig(vars: EnvVars): AuthConfig {
  const admins = parseTokens('ADMIN_TOKENS', vars.ADMIN_TOKENS);
  const editors = parseTokens('EDITOR_TOKENS', vars.EDITOR_TOKENS);
  const viewers = parseTokens('VIEWER_TOKENS', vars.VIEWER_TOKENS);
  const agents = parseTokens('AGENT_TOKENS', vars.AGENT_TOKENS);
  checkUnique({ ADMIN_TOKENS: admins, EDITOR_TOKENS: editors, VIEWER_TOKENS: viewers, AGENT_TOKENS: agents });
  const open = admins.length + editors.length + viewers.length + agents.length === 0;
  if (open && !isLoopback(vars.HOST)) {
    throw new ConfigError(
      `HOST=${vars.HOST} is not a loopback address and no ADMIN_TOKENS, EDITOR_TOKENS, VIEWER_TOKENS or AGENT_TOKENS are set; refusing to serve without auth (set ADMIN_TOKENS=name:secret, or HOST=127.0.0.1)`,
    );
  }
  const protectedLabels = parseLabels('PROTECTED_LABELS', vars.PROTECTED_LABELS);
  return { admins, editors, viewers, agents, open, sessionTtlMs: vars.SESSION_TTL_MS, trustProxyHops: vars.TRUST_PROXY_HOPS, protectedLabels };
}

/** `production,eu`: label names, blanks around them ignored; empty protects none. */
export function parseLabels(variable: string, value: string): string[] {
  const labels = value
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bad = labels.find((l) => !LABEL_PATTERN.test(l));
  if (bad !== undefined) throw new ConfigError(`Invalid configuration: ${variable} has "${bad}", which is not ${LABEL_RULE}`);
  return [...new Set(labels)];
}

/** `name:secret,name:secret`; blanks around entries are ignored. */
export function parseTokens(variable: string, value: string | undefined): NamedToken[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry, i) => {
    const where = `${variable}: entry ${i + 1}`;
    const colon = entry.indexOf(':');
    // Without a colon the entry may be a bare secret, so nothing of it is shown.
    if (colon < 0) throw new ConfigError(`Invalid configuration: ${where} is not name:secret`);
    const name = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (!NAME.test(name))
      throw new ConfigError(`Invalid configuration: ${where} has an invalid name (use letters, digits, "_", ".", "@", "-"; at most 64)`);
    if (!SECRET.test(secret)) throw new ConfigError(`Invalid configuration: ${where} ("${name}") has a secret with spaces or non-ASCII characters`);
    if (secret.length < SECRET_MIN_LENGTH) {
      throw new ConfigError(`Invalid configuration: ${where} ("${name}") has a secret shorter than ${SECRET_MIN_LENGTH} characters`);
    }
    return { name, secret };
  });
}

/** One name is one author, and one secret must map to exactly one name and scope set, across every token variable. */
function checkUnique(byVariable: Record<string, NamedToken[]>): void {
  const names = new Map<string, string>();
  const secrets = new Map<string, { name: string; variable: string }>();
  for (const [variable, tokens] of Object.entries(byVariable)) {
    for (const { name, secret } of tokens) {
      const named = names.get(name);
      if (named !== undefined) {
        const where = named === variable ? ` in ${variable}` : `: in ${named} and in ${variable}`;
        throw new ConfigError(`Invalid configuration: token name "${name}" appears more than once${where}`);
      }
      const holder = secrets.get(secret);
      if (holder !== undefined) {
        throw new ConfigError(
          `Invalid configuration: token "${name}" in ${variable} reuses the secret of token "${holder.name}" in ${holder.variable}`,
        );
      }
      names.set(name, variable);
      secrets.set(secret, { name, variable });
    }
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, 127.0.0.0/8 and ::1 (in any spelling, also IPv4-mapped). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 6 ? 'ipv6' : 'ipv4');
}
