import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';

describe('agents configuration', () => {
  it('forgets silent agents after 60 s, keeps 10,000 agents per token, 6,000 reports a minute and sessions 30 days by default', () => {
    const config = loadConfig({}, []);
    expect(config.agents).toEqual({ reportTtlMs: 60_000, maxPerToken: 10_000, sessionRetentionDays: 30 });
    expect(config.rateLimit.reportsPerMin).toBe(6000);
  });

  it.each([
    ['AGENT_REPORT_TTL_MS', '5000', (c: ReturnType<typeof loadConfig>) => c.agents.reportTtlMs, 5000],
    ['AGENT_MAX_PER_TOKEN', '250', (c: ReturnType<typeof loadConfig>) => c.agents.maxPerToken, 250],
    ['RATE_LIMIT_REPORTS_PER_MIN', '120', (c: ReturnType<typeof loadConfig>) => c.rateLimit.reportsPerMin, 120],
    ['SESSION_RETENTION_DAYS', '7', (c: ReturnType<typeof loadConfig>) => c.agents.sessionRetentionDays, 7],
  ])('reads %s', (variable, value, read, expected) => {
    expect(read(loadConfig({ [variable]: value }, []))).toBe(expected);
  });

  it.each([
    ['AGENT_REPORT_TTL_MS', 'abc'],
    ['AGENT_REPORT_TTL_MS', '10'],
    ['AGENT_REPORT_TTL_MS', '1.5'],
    ['AGENT_MAX_PER_TOKEN', '0'],
    ['AGENT_MAX_PER_TOKEN', '1e3'],
    ['AGENT_MAX_PER_TOKEN', '1000001'],
    ['RATE_LIMIT_REPORTS_PER_MIN', '0'],
    ['RATE_LIMIT_REPORTS_PER_MIN', 'many'],
    ['SESSION_RETENTION_DAYS', '0'],
    ['SESSION_RETENTION_DAYS', '2.5'],
    ['SESSION_RETENTION_DAYS', '3651'],
  ])('stops on %s=%s with a message naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value }, [])).toThrow(new RegExp(`${variable}=`));
  });
});
