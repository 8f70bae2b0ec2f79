import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';

describe('agents configuration', () => {
  it('forgets silent agents after 60 s by default', () => {
    expect(loadConfig({}, []).agents).toEqual({ reportTtlMs: 60_000 });
  });

  it('reads AGENT_REPORT_TTL_MS', () => {
    expect(loadConfig({ AGENT_REPORT_TTL_MS: '5000' }, []).agents.reportTtlMs).toBe(5000);
  });

  it.each(['abc', '10', '1.5'])('stops on AGENT_REPORT_TTL_MS=%s with a message naming it', (value) => {
    expect(() => loadConfig({ AGENT_REPORT_TTL_MS: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ AGENT_REPORT_TTL_MS: value }, [])).toThrow(/AGENT_REPORT_TTL_MS=/);
  });
});
