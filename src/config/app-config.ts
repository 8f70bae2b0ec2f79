/**
 * The typed configuration every part of the server receives by injection.
 * It is both the type and the DI token; only `load-config.ts` builds it.
 */
export class AppConfig {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly store: StoreConfig,
    readonly limits: LimitsConfig,
    readonly seed: boolean,
    readonly stream: StreamConfig,
    readonly agents: AgentsConfig,
    readonly auth: AuthConfig,
    readonly rateLimit: RateLimitConfig,
    readonly ops: OpsConfig,
    readonly http: HttpConfig,
  ) {}
}

/** The HTTP server's timeouts and per-address socket caps: `http-config.ts`, docs/operations.md. */
export interface HttpConfig {
  /** A request's head must arrive within this long (the first one: of the connection), else 408 and close, in ms. */
  headersTimeoutMs: number;
  /** The whole request, head and body, must arrive within this long, in ms; the response (a stream) is not bounded. */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this long, in ms. */
  keepAliveTimeoutMs: number;
  /** Sockets one address may hold that are still without their first request head after a short grace; the oldest beyond it is closed. */
  maxPendingPerAddress: number;
  /** Sockets one address may hold open at once; more are refused with a 429. */
  maxPerAddress: number;
  /** The hot routes (`GET /api/prompts`, the connect of `GET /api/prompts/stream`) answered ahead of Express (src/fast-path/); off sends every request through the framework. */
  fastPath: boolean;
}

/** Logs and outbound webhooks: see `ops-config.ts` and docs/operations.md. */
export interface OpsConfig {
  logging: LoggingConfig;
  webhooks: WebhooksConfig;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggingConfig {
  level: LogLevel;
  /** `json` (one object per line) in production, `pretty` (human lines) in development. */
  format: 'json' | 'pretty';
}

export interface WebhooksConfig {
  /** Receivers; empty turns webhooks off. */
  urls: string[];
  /** HMAC-SHA256 key for `X-Promptcast-Signature`; never logged. */
  secret: string;
  /** Tries per delivery, the first included, before it is given up. */
  maxAttempts: number;
  /** Longest wait before the first retry, doubled each time up to `backoffMaxMs`; each wait is drawn below it (full jitter). */
  backoffMs: number;
  backoffMaxMs: number;
  /** Deliveries held per URL; beyond it the oldest is dropped. */
  queueMax: number;
  /** One POST may take this long before it counts as failed, in ms. */
  timeoutMs: number;
}

export type StoreConfig = { kind: 'sqlite'; path: string } | PostgresConfig;

export interface PostgresConfig {
  kind: 'postgres';
  /** The DATABASE_URL; it may hold a password, so it is never logged. */
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** How often the LISTEN connection is pinged, so a silently dead one is replaced, in ms. */
  listenPingMs: number;
}

export interface LimitsConfig {
  /** Largest prompt text accepted, in UTF-8 bytes. */
  promptMaxBytes: number;
  /** Largest import body (`POST /api/admin/import`), in bytes. */
  importMaxBytes: number;
  /** Most records in one import. */
  importMaxRecords: number;
}

/**
 * The request body limit for JSON and form bodies. Escaping (`\uXXXX`, percent-encoding,
 * CRLF line breaks) can grow a prompt up to 6x; the prompt limit itself is enforced by
 * the service with a 413 that names PROMPT_MAX_BYTES.
 */
export function bodyLimitBytes(limits: LimitsConfig): number {
  return limits.promptMaxBytes * 6 + 64 * 1024;
}

export interface StreamConfig {
  /** Interval of the shared heartbeat event, in ms. */
  heartbeatMs: number;
  /** A resume further back than this many changes gets a snapshot instead of a replay. */
  retention: number;
  /** Bytes a subscriber may leave unread before it is disconnected. */
  maxBufferBytes: number;
  /** The `retry:` hint each connection gets is drawn uniformly from this range, in ms. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Open streams one client address may hold at once without a token (off this host); more answer 429. */
  maxPerAddress: number;
  /** Open streams one token may hold at once (open mode on loopback counts as one token); more answer 429. */
  maxPerToken: number;
}

export interface AgentsConfig {
  /** An agent that has not reported for this long leaves `GET /api/agents`, in ms. */
  reportTtlMs: number;
  /** Agents one token (open: the whole server) may have listed; a new id beyond it drops that token's own least recently heard. */
  maxPerToken: number;
  /** Session reports are pruned this many days after their call started (SESSION_RETENTION_DAYS). */
  sessionRetentionDays: number;
}

/** A named bearer token; the name is who the request is in versions, the audit trail and logs. */
export interface NamedToken {
  name: string;
  /** Never logged or echoed; only compared (constant-time, over hashes). */
  secret: string;
}

export interface AuthConfig {
  admins: NamedToken[];
  /** Save drafts and move unprotected labels; read everything, the audit trail included. */
  editors: NamedToken[];
  /** Read everything; the admin UI without its edit controls. */
  viewers: NamedToken[];
  agents: NamedToken[];
  /** True when no token is configured: every request is allowed (only ever on a loopback HOST). */
  open: boolean;
  /** How long an admin UI session cookie is valid, in ms. */
  sessionTtlMs: number;
  /** Reverse proxies whose forwarded address and protocol are believed (Express `trust proxy`). */
  trustProxyHops: number;
  /** Labels only a caller with the `publish` scope may move (PROTECTED_LABELS). */
  protectedLabels: string[];
}

export interface RateLimitConfig {
  writesPerMin: number;
  loginPerMin: number;
  /** Fleet reports per agent token (open: per client address) per minute. */
  reportsPerMin: number;
  checksPerMin: number;
}
