import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      seed: true,
      store: { kind: 'sqlite', path: './data/promptcast.db' },
      limits: { promptMaxBytes: 32 * 1024, importMaxBytes: 64 * 1024 * 1024, importMaxRecords: 1_000_000 },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        SQLITE_PATH: '/tmp/x.db',
        PROMPT_MAX_BYTES: '100',
        SEED: 'false',
        ADMIN_TOKENS: 'ops:0123456789abcdef',
      },
      [],
    );
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', seed: false, store: { path: '/tmp/x.db' }, limits: { promptMaxBytes: 100 } });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, []).store.kind).toBe('sqlite');
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/promptcast' }, []).store).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/promptcast',
    });
  });

  it('turns the seed off with --no-seed', () => {
    expect(loadConfig({}, ['node', 'main.js', '--no-seed']).seed).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '12.5'],
    ['PROMPT_MAX_BYTES', '0'],
    ['SEED', 'maybe'],
  ])('stops on a bad %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, [])).toThrow(new RegExp(`${name}="${value}"`));
  });

  it('names a bad DATABASE_URL without echoing it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@db' }, [])).toThrow(/DATABASE_URL=\(hidden\): DATABASE_URL must be a postgres/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@db' }, [])).not.toThrow(/secret/);
  });

  it('logs JSON in production and pretty lines elsewhere, unless LOG_FORMAT says', () => {
    expect(loadConfig({}, []).ops.logging).toEqual({ level: 'info', format: 'pretty' });
    expect(loadConfig({ NODE_ENV: 'production' }, []).ops.logging.format).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' }, []).ops.logging).toEqual({
      level: 'debug',
      format: 'pretty',
    });
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, [])).toThrow(/LOG_LEVEL="loud"/);
  });

  it('reads webhook receivers and their settings; none means off', () => {
    expect(loadConfig({}, []).ops.webhooks.urls).toEqual([]);
    const { webhooks } = loadConfig(
      { WEBHOOK_URLS: ' http://a.test/hook , https://b.test/x ', WEBHOOK_SECRET: 's'.repeat(16), WEBHOOK_MAX_ATTEMPTS: '3' },
      [],
    ).ops;
    expect(webhooks).toMatchObject({ urls: ['http://a.test/hook', 'https://b.test/x'], secret: 's'.repeat(16), maxAttempts: 3, backoffMs: 500 });
  });

  it('stops on a webhook receiver that is not http(s), naming its position but not its text', () => {
    const env = { WEBHOOK_URLS: 'https://ok.test,ftp://user:token@files.test', WEBHOOK_SECRET: 's'.repeat(16) };
    expect(() => loadConfig(env, [])).toThrow(/WEBHOOK_URLS entry 2 is not an http:\/\/ or https:\/\/ URL/);
    expect(() => loadConfig(env, [])).not.toThrow(/token/);
  });

  it('requires a WEBHOOK_SECRET of 16+ characters when receivers are set, without echoing it', () => {
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://ok.test' }, [])).toThrow(/WEBHOOK_SECRET must be set when WEBHOOK_URLS is/);
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://ok.test', WEBHOOK_SECRET: 'short-secret' }, [])).toThrow(/WEBHOOK_SECRET=\(hidden\)/);
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://ok.test', WEBHOOK_SECRET: 'short-secret' }, [])).not.toThrow(/short-secret/);
  });
});
