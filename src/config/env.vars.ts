import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

/** Turns "true"/"1"/"yes" and "false"/"0"/"no" into booleans; anything else stays and fails validation. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  return value;
}

/** Integers only: "12abc" or "1.5" must fail rather than be silently truncated. */
function toInteger({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/**
 * The environment as the server reads it. Every variable is optional and has a
 * default; a present but malformed value stops the server at start.
 */
export class EnvVars {
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST = '127.0.0.1';

  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Most connections one server holds in its PostgreSQL pool (the LISTEN connection is extra). */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  PG_POOL_MAX = 10;

  /** How long opening a PostgreSQL connection may take before it counts as unreachable. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(600_000)
  PG_CONNECT_TIMEOUT_MS = 5000;

  /** Longest a single statement may run; also bounds how long a stalled transaction holds the revision lock. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PG_STATEMENT_TIMEOUT_MS = 10_000;

  /** How often the LISTEN connection runs `SELECT 1`; a ping that fails or outlasts PG_CONNECT_TIMEOUT_MS replaces it. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PG_LISTEN_PING_MS = 30_000;

  @IsOptional()
  @IsString()
  @MinLength(1)
  SQLITE_PATH = './data/promptcast.db';

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1024 * 1024)
  PROMPT_MAX_BYTES = 32 * 1024;

  /** Largest body `POST /api/admin/import` reads, in bytes; the whole file is checked before one transaction writes it. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024 * 1024)
  IMPORT_MAX_BYTES = 64 * 1024 * 1024;

  /** Most records (lines) `POST /api/admin/import` takes in one file. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(2)
  @Max(100_000_000)
  IMPORT_MAX_RECORDS = 1_000_000;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  SEED = true;

  // The contract promises clients a heartbeat at least every 15 s, so it cannot be set longer.
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(15_000)
  STREAM_HEARTBEAT_MS = 15_000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  STREAM_RETENTION = 10_000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  STREAM_MAX_BUFFER_BYTES = 1024 * 1024;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(600_000)
  STREAM_RETRY_MIN_MS = 1000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(600_000)
  STREAM_RETRY_MAX_MS = 5000;

  // Agents report every 15 s by default; four missed reports mean the agent is gone.
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(24 * 60 * 60 * 1000)
  AGENT_REPORT_TTL_MS = 60_000;

  /** Agents one token (open: the whole server) may have in the fleet view; a new id beyond it drops that token's own least recently heard agent. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AGENT_MAX_PER_TOKEN = 10_000;

  /** Session reports (the Calls page, rollout figures) are kept this many days after the call started, then pruned. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3650)
  SESSION_RETENTION_DAYS = 30;

  /** `name:secret,...`: tokens that may read, write and use the admin UI. Parsed in auth-config.ts. */
  @IsOptional()
  @IsString()
  ADMIN_TOKENS?: string;

  /** `name:secret,...`: tokens that may save drafts, move unprotected labels and read everything. */
  @IsOptional()
  @IsString()
  EDITOR_TOKENS?: string;

  /** `name:secret,...`: tokens that may read everything (the admin UI read-only). */
  @IsOptional()
  @IsString()
  VIEWER_TOKENS?: string;

  /** `name:secret,...`: tokens that may read, stream and report (LiveKit workers). */
  @IsOptional()
  @IsString()
  AGENT_TOKENS?: string;

  /** `production,eu`: labels that only a caller allowed to publish (an admin) may move. */
  @IsOptional()
  @IsString()
  PROTECTED_LABELS = 'production';

  /** How long an admin UI login lasts. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(60_000)
  @Max(30 * 24 * 60 * 60 * 1000)
  SESSION_TTL_MS = 12 * 60 * 60 * 1000;

  /** Writes (API and admin UI) one client address may make per minute. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_WRITES_PER_MIN = 600;

  /** Login attempts one client address may make per minute. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_LOGIN_PER_MIN = 10;

  // An editor checks as it types (debounced, about one a second); 600 leaves room for a team behind one address.
  /** Checks (`POST /api/prompts/:key/check`) one token (open: one client address) may run per minute. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_CHECKS_PER_MIN = 600;

  // 1,000 agent processes on one token reporting every 15 s make 4,000 a minute; the rest is room for
  // the extra report after each change and session start.
  /** Fleet reports one agent token (open: one client address) may send per minute. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_REPORTS_PER_MIN = 6000;

  /** Open streams one client address may hold at once, when they come without a token (open mode, from off this host). */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  STREAM_MAX_PER_ADDRESS = 50;

  /** Open streams one token (or admin session's token) may hold at once: a fleet shares its agent token. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  STREAM_MAX_PER_TOKEN = 1000;

  /** Reverse proxies in front of the server whose X-Forwarded-For/-Proto are believed; 0 trusts none. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  /** Sockets one client address may hold that have not sent a request head for over a second; beyond it the oldest is closed (slowloris). */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CONN_MAX_PENDING_PER_ADDRESS = 32;

  /** Sockets one client address may hold open at once, whatever they carry; more are refused with a 429. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  CONN_MAX_PER_ADDRESS = 1024;

  /** A request's head must arrive within this long of its start (of the connection, for the first), else 408 and close. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** A whole request, head and body, must arrive within this long; it never bounds the response, so streams are not cut. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** An idle keep-alive socket is closed after this long; behind a load balancer, set it above the balancer's idle timeout. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5000;

  /** `off` answers the hot routes through the framework too (docs/benchmarks.md, "Fast path"); the answers are the same, only slower. */
  @IsOptional()
  @IsIn(['on', 'off'])
  FAST_PATH: 'on' | 'off' = 'on';

  /** Unset: `json` when NODE_ENV=production, `pretty` otherwise. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** Comma-separated http(s) receivers; checked one by one in ops-config.ts. */
  @IsOptional()
  @IsString()
  WEBHOOK_URLS?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  WEBHOOK_SECRET?: string;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_MAX_ATTEMPTS = 10;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(600_000)
  WEBHOOK_BACKOFF_MS = 500;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  WEBHOOK_BACKOFF_MAX_MS = 60_000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  WEBHOOK_QUEUE_MAX = 1000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(600_000)
  WEBHOOK_TIMEOUT_MS = 10_000;
}
