import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      port: 3000, host: '127.0.0.1', seed: true,
      store: { kind: 'sqlite', path: './data/promptcast.db' },
      limits: { promptMaxBytes: 32 * 1024 },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', SQLITE_PATH: '/tmp/x.db', PROMPT_MAX_BYTES: '100', SEED: 'false', ADMIN_TOKENS: 'ops:0123456789abcdef',
    }, []);
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', seed: false, store: { path: '/tmp/x.db' }, limits: { promptMaxBytes: 100 } });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, []).store.kind).toBe('sqlite');
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/promptcast' }, []).store)
      .toMatchObject({ kind: 'postgres', url: 'postgres://u:p@db:5432/promptcast' });
  });

  it('turns the seed off with --no-seed', () => {
    expect(loadConfig({}, ['node', 'main.js', '--no-seed']).seed).toBe(false);
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['PORT', '12.5'], ['PROMPT_MAX_BYTES', '0'], ['SEED', 'maybe'],
  ])('stops on a bad %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, [])).toThrow(new RegExp(`${name}="${value}"`));
  });

  it('names a bad DATABASE_URL without echoing it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@db' }, [])).toThrow(/DATABASE_URL=\(hidden\): DATABASE_URL must be a postgres/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@db' }, [])).not.toThrow(/secret/);
  });
});
