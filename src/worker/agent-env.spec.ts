import { AgentEnvError, readAgentEnv } from './agent-env.js';

const complete = { LIVEKIT_URL: 'wss://x.livekit.cloud', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret', OPENAI_API_KEY: 'sk-1' };

describe('readAgentEnv', () => {
  it('defaults to the realtime model, the live policy, a local server and a 15 s report', () => {
    expect(readAgentEnv(complete)).toMatchObject({
      livekit: { url: 'wss://x.livekit.cloud', apiKey: 'key', apiSecret: 'secret' },
      model: 'realtime',
      apply: 'live',
      reportIntervalMs: 15_000,
      promptcast: { url: 'http://127.0.0.1:3000', cacheFile: './data/prompt-cache.json', agentId: expect.stringMatching(/^friday-/) },
    });
  });

  it('reads every variable', () => {
    const env = readAgentEnv({
      ...complete,
      AGENT_MODEL: 'pipeline',
      PROMPT_APPLY: 'next-session',
      AGENT_REPORT_INTERVAL: '2.5',
      PROMPTCAST_URL: 'https://prompts.example',
      PROMPTCAST_TOKEN: 't',
      PROMPTCAST_AGENT_ID: 'friday-eu-1',
      PROMPTCAST_CACHE_FILE: '/var/cache.json',
      PROMPTCAST_LABEL: 'staging',
    });
    expect(env).toMatchObject({
      model: 'pipeline',
      apply: 'next-session',
      reportIntervalMs: 2500,
      promptcast: { url: 'https://prompts.example', token: 't', agentId: 'friday-eu-1', cacheFile: '/var/cache.json', label: 'staging' },
    });
  });

  it('names every missing variable in one message', () => {
    expect(() => readAgentEnv({ LIVEKIT_URL: 'wss://x' })).toThrow(AgentEnvError);
    expect(() => readAgentEnv({ LIVEKIT_URL: 'wss://x' })).toThrow(/missing LIVEKIT_API_KEY, LIVEKIT_API_SECRET, OPENAI_API_KEY/);
  });

  it('treats an empty variable as missing', () => {
    expect(() => readAgentEnv({ ...complete, LIVEKIT_API_SECRET: '' })).toThrow(/missing LIVEKIT_API_SECRET/);
  });

  it.each([
    ['AGENT_MODEL', 'gemini', /AGENT_MODEL="gemini" must be one of realtime, pipeline/],
    ['PROMPT_APPLY', 'sometimes', /PROMPT_APPLY="sometimes" must be one of live, next-session/],
    ['AGENT_REPORT_INTERVAL', '0', /AGENT_REPORT_INTERVAL="0" must be a positive number/],
    ['PROMPTCAST_LABEL', 'Staging', /PROMPTCAST_LABEL="Staging" must be a lower-case letter followed by up to 31/],
    ['PROMPTCAST_LABEL', 'eu west', /PROMPTCAST_LABEL="eu west" must be a lower-case letter followed by up to 31/],
    ['PROMPTCAST_LABEL', 'x'.repeat(33), /PROMPTCAST_LABEL="x{33}" must be a lower-case letter followed by up to 31/],
  ])('stops on a bad %s=%s with a message naming it', (name, value, message) => {
    expect(() => readAgentEnv({ ...complete, [name]: value })).toThrow(message);
  });

  it('names a bad PROMPTCAST_LABEL together with every other problem, before any PromptClient exists', () => {
    expect(() => readAgentEnv({ LIVEKIT_URL: 'wss://x', PROMPTCAST_LABEL: 'Prod!', PROMPT_CHECK_INTERVAL: 'soon' })).toThrow(
      /Friday agent cannot start:\n {2}missing LIVEKIT_API_KEY, LIVEKIT_API_SECRET, OPENAI_API_KEY .*\n {2}PROMPTCAST_LABEL="Prod!" must be .*; PROMPT_CHECK_INTERVAL must be/,
    );
  });

  it('never echoes a secret', () => {
    expect(() => readAgentEnv({ ...complete, LIVEKIT_URL: '', AGENT_MODEL: 'x' })).not.toThrow(/secret|sk-1/);
  });
});
