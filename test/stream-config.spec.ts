import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';

describe('stream configuration', () => {
  it('defaults to a 15 s heartbeat, 10,000 retained changes, a 1 MiB buffer bound and a 1–5 s retry', () => {
    expect(loadConfig({}, []).stream).toEqual({
      heartbeatMs: 15_000,
      retention: 10_000,
      maxBufferBytes: 1024 * 1024,
      retryMinMs: 1000,
      retryMaxMs: 5000,
      maxPerAddress: 50,
      maxPerToken: 1000,
    });
  });

  it('reads every STREAM_ variable', () => {
    const env = {
      STREAM_HEARTBEAT_MS: '20',
      STREAM_RETENTION: '3',
      STREAM_MAX_BUFFER_BYTES: '4096',
      STREAM_RETRY_MIN_MS: '0',
      STREAM_RETRY_MAX_MS: '0',
      STREAM_MAX_PER_ADDRESS: '7',
    };
    expect(loadConfig(env, []).stream).toEqual({
      heartbeatMs: 20,
      retention: 3,
      maxBufferBytes: 4096,
      retryMinMs: 0,
      retryMaxMs: 0,
      maxPerAddress: 7,
      maxPerToken: 1000,
    });
  });

  it.each([
    ['STREAM_HEARTBEAT_MS', '20000'],
    ['STREAM_HEARTBEAT_MS', '0'],
    ['STREAM_RETENTION', '0'],
    ['STREAM_MAX_BUFFER_BYTES', '512'],
    ['STREAM_RETRY_MAX_MS', '1.5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, [])).toThrow(new RegExp(name));
  });

  it('refuses a retry range whose minimum is above its maximum', () => {
    expect(() => loadConfig({ STREAM_RETRY_MIN_MS: '6000' }, [])).toThrow(/STREAM_RETRY_MIN_MS=6000 is above STREAM_RETRY_MAX_MS=5000/);
  });
});
