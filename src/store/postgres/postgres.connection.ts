import pg from 'pg';
import type { PostgresConfig } from '../../config/app-config.js';
import { StoreUnavailableError } from '../store-unavailable.error.js';

/** The channel every write notifies with its revision; the payload is the revision only. */
export const CHANGES_CHANNEL = 'promptcast_changes';

// bigint columns (revisions, counts) arrive as numbers rather than strings: a revision
// would need 2^53 writes to lose precision.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, Number);

/** Options shared by the pool and the change signal's LISTEN client, so both honour the same timeouts. */
export function connectionOptions(config: PostgresConfig, applicationName: string): pg.ClientConfig {
  return {
    connectionString: config.url,
    connectionTimeoutMillis: config.connectTimeoutMs,
    statement_timeout: config.statementTimeoutMs,
    // A client that stalls mid-write would otherwise hold the revision row lock, and so every writer, forever.
    idle_in_transaction_session_timeout: config.statementTimeoutMs,
    application_name: applicationName,
    types,
  };
}

export function createPool(config: PostgresConfig): pg.Pool {
  return new pg.Pool({ ...connectionOptions(config, 'promptcast'), max: config.poolMax });
}

/** `host:port` of a DATABASE_URL, for messages; the user and password are never included. */
export function databaseHost(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `${host}:${parsed.port || '5432'}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * Wraps a start-up failure into one line an operator can act on. When the
 * attempt ran into PG_CONNECT_TIMEOUT_MS the line says so, naming the knob.
 */
export function unavailable(config: PostgresConfig, err: unknown, startedAt: number): StoreUnavailableError {
  const elapsed = Date.now() - startedAt;
  const timing = elapsed >= config.connectTimeoutMs ? ` (after ${elapsed} ms; PG_CONNECT_TIMEOUT_MS is ${config.connectTimeoutMs})` : '';
  const reason = scrub(reasonOf(err), config.url);
  return new StoreUnavailableError(`cannot use PostgreSQL at ${databaseHost(config.url)} (DATABASE_URL): ${reason}${timing}`);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Node reports a refused multi-address connect ("localhost") as an AggregateError with an empty message.
  if (err instanceof AggregateError && !err.message) return reasonOf(err.errors[0]);
  return err.message || (err as { code?: string }).code || err.name;
}

function scrub(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return message;
  }
  return password ? message.split(password).join('***') : message;
}

/**
 * Runs `fn` on one pooled connection inside `begin` … COMMIT, or ROLLBACK
 * when `commit` refuses its value or it throws. A connection that cannot even
 * roll back is discarded rather than returned to the pool. Every PostgreSQL
 * store opens its transactions here.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  begin: string,
  fn: (tx: pg.PoolClient) => Promise<T>,
  commit: (value: T) => boolean = () => true,
): Promise<T> {
  const tx = await pool.connect();
  let broken: Error | undefined;
  try {
    await tx.query(begin);
    const value = await fn(tx);
    await tx.query(commit(value) ? 'COMMIT' : 'ROLLBACK');
    return value;
  } catch (err) {
    broken = await tx.query('ROLLBACK').then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    throw err;
  } finally {
    tx.release(broken);
  }
}
