import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, type StoreConfig, type StreamConfig } from './app-config.js';
import { authConfig } from './auth-config.js';
import { ConfigError } from './config-error.js';
import { EnvVars } from './env.vars.js';
import { httpConfig } from './http-config.js';
import { opsConfig } from './ops-config.js';

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment (and the `--no-seed` flag) once at start.
 * Throws a ConfigError naming every bad variable; never returns a half-valid config.
 */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv): AppConfig {
  const vars = parseEnv(env);
  const seed = vars.SEED && !argv.includes('--no-seed');
  return new AppConfig(
    vars.PORT,
    vars.HOST,
    storeConfig(vars),
    { promptMaxBytes: vars.PROMPT_MAX_BYTES, importMaxBytes: vars.IMPORT_MAX_BYTES, importMaxRecords: vars.IMPORT_MAX_RECORDS },
    seed,
    streamConfig(vars),
    { reportTtlMs: vars.AGENT_REPORT_TTL_MS, maxPerToken: vars.AGENT_MAX_PER_TOKEN, sessionRetentionDays: vars.SESSION_RETENTION_DAYS },
    authConfig(vars),
    {
      writesPerMin: vars.RATE_LIMIT_WRITES_PER_MIN,
      loginPerMin: vars.RATE_LIMIT_LOGIN_PER_MIN,
      reportsPerMin: vars.RATE_LIMIT_REPORTS_PER_MIN,
      checksPerMin: vars.RATE_LIMIT_CHECKS_PER_MIN,
    },
    opsConfig(vars),
    httpConfig(vars),
  );
}

function storeConfig(vars: EnvVars): StoreConfig {
  if (!vars.DATABASE_URL) return { kind: 'sqlite', path: vars.SQLITE_PATH };
  return {
    kind: 'postgres',
    url: vars.DATABASE_URL,
    poolMax: vars.PG_POOL_MAX,
    connectTimeoutMs: vars.PG_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: vars.PG_STATEMENT_TIMEOUT_MS,
    listenPingMs: vars.PG_LISTEN_PING_MS,
  };
}

function streamConfig(vars: EnvVars): StreamConfig {
  if (vars.STREAM_RETRY_MIN_MS > vars.STREAM_RETRY_MAX_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  STREAM_RETRY_MIN_MS=${vars.STREAM_RETRY_MIN_MS} is above STREAM_RETRY_MAX_MS=${vars.STREAM_RETRY_MAX_MS}`,
    );
  }
  return {
    heartbeatMs: vars.STREAM_HEARTBEAT_MS,
    retention: vars.STREAM_RETENTION,
    maxBufferBytes: vars.STREAM_MAX_BUFFER_BYTES,
    retryMinMs: vars.STREAM_RETRY_MIN_MS,
    retryMaxMs: vars.STREAM_RETRY_MAX_MS,
    maxPerAddress: vars.STREAM_MAX_PER_ADDRESS,
    maxPerToken: vars.STREAM_MAX_PER_TOKEN,
  };
}

function parseEnv(env: Env): EnvVars {
  // Empty strings mean "unset" (a common result of `FOO= npm start`), so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvVars, present, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      // Connection strings and secrets are never echoed back into logs.
      const shown = /URL|SECRET|TOKEN/.test(e.property) ? '(hidden)' : JSON.stringify(present[e.property]);
      return `  ${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return vars;
}
