import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';

describe('HTTP server configuration', () => {
  it('defaults to a 10 s head, a 30 s request, 5 s keep-alive, 32 pending and 1024 sockets per address, and the fast path on', () => {
    expect(loadConfig({}, []).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxPendingPerAddress: 32,
      maxPerAddress: 1024,
      fastPath: true,
    });
  });

  it('reads every variable', () => {
    const env = {
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      CONN_MAX_PENDING_PER_ADDRESS: '8',
      CONN_MAX_PER_ADDRESS: '5000',
      FAST_PATH: 'off',
    };
    expect(loadConfig(env, []).http).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 65_000,
      maxPendingPerAddress: 8,
      maxPerAddress: 5000,
      fastPath: false,
    });
  });

  it.each([
    ['HTTP_HEADERS_TIMEOUT_MS', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '10s'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['CONN_MAX_PENDING_PER_ADDRESS', '0'],
    ['CONN_MAX_PER_ADDRESS', '-1'],
    ['FAST_PATH', 'yes'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, [])).toThrow(new RegExp(`${name}="${value}"`));
  });

  it('refuses a head timeout above the whole request timeout', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' }, [])).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS=40000 is above HTTP_REQUEST_TIMEOUT_MS=30000/,
    );
  });
});
