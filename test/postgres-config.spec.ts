import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';

const URL = 'postgres://app:secret@db.internal:5432/promptcast';

describe('PostgreSQL configuration', () => {
  it('selects PostgreSQL with pool and timeout defaults when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: URL }, []).store).toEqual({
      kind: 'postgres',
      url: URL,
      poolMax: 10,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 10_000,
      listenPingMs: 30_000,
    });
  });

  it('reads PG_POOL_MAX, PG_CONNECT_TIMEOUT_MS, PG_STATEMENT_TIMEOUT_MS and PG_LISTEN_PING_MS', () => {
    const env = { DATABASE_URL: URL, PG_POOL_MAX: '4', PG_CONNECT_TIMEOUT_MS: '2500', PG_STATEMENT_TIMEOUT_MS: '30000', PG_LISTEN_PING_MS: '1000' };
    expect(loadConfig(env, []).store).toMatchObject({ poolMax: 4, connectTimeoutMs: 2500, statementTimeoutMs: 30_000, listenPingMs: 1000 });
  });

  it('stays on SQLite when DATABASE_URL is unset or empty', () => {
    expect(loadConfig({ DATABASE_URL: '', PG_POOL_MAX: '3' }, []).store.kind).toBe('sqlite');
  });

  it.each([
    ['PG_POOL_MAX', '0'],
    ['PG_POOL_MAX', '2.5'],
    ['PG_CONNECT_TIMEOUT_MS', 'soon'],
    ['PG_STATEMENT_TIMEOUT_MS', '-1'],
    ['PG_LISTEN_PING_MS', '50'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ DATABASE_URL: URL, [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: URL, [name]: value }, [])).toThrow(new RegExp(`${name}="${value}"`));
  });

  it('never echoes DATABASE_URL back when it is malformed', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:secret@db/x' }, [])).toThrow(/DATABASE_URL=\(hidden\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:secret@db/x' }, [])).not.toThrow(/secret/);
  });
});
