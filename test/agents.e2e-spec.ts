import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { PromptsApi } from './support/prompts-api.js';

describe('fleet reports (POST /api/agents/report, GET /api/agents)', () => {
  let t: TestApp;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    t = await startApp();
    api = request(t.url);
  });
  afterEach(() => t.close());

  const aReport = (overrides: Record<string, unknown> = {}) => ({ agentId: 'friday-1', revision: 1, sessions: 2, mode: 'streaming', ...overrides });

  it('lists the latest report per agent with its address and whether it is behind', async () => {
    const prompts = new PromptsApi(t.url);
    await prompts.create('AGENT_INSTRUCTION', 'v1');
    await api
      .post('/api/agents/report')
      .send(aReport({ revision: 0 }))
      .expect(204);
    await api
      .post('/api/agents/report')
      .send(aReport({ revision: 1 }))
      .expect(204);
    await api
      .post('/api/agents/report')
      .send(aReport({ agentId: 'friday-2', revision: null, sessions: 0, mode: 'offline' }))
      .expect(204);
    await prompts.update('AGENT_INSTRUCTION', 'v2');

    const res = await api.get('/api/agents').expect(200);
    expect(res.body).toEqual({
      revision: 2,
      agents: [
        {
          agentId: 'friday-1',
          revision: 1,
          sessions: 2,
          mode: 'streaming',
          reportedAt: expect.any(String),
          address: expect.stringContaining('127.0.0.1'),
          behind: true,
        },
        {
          agentId: 'friday-2',
          revision: null,
          sessions: 0,
          mode: 'offline',
          reportedAt: expect.any(String),
          address: expect.stringContaining('127.0.0.1'),
          behind: true,
        },
      ],
    });
    expect(Date.parse(res.body.agents[0].reportedAt)).not.toBeNaN();

    await api
      .post('/api/agents/report')
      .send(aReport({ revision: 2 }))
      .expect(204);
    const after = await api.get('/api/agents').expect(200);
    expect(after.body.agents.find((a: { agentId: string }) => a.agentId === 'friday-1')).toMatchObject({ revision: 2, behind: false });
  });

  it.each([
    ['a missing agentId', { agentId: undefined }, /agentId/],
    ['an agentId with spaces', { agentId: 'friday 1' }, /agentId must be/],
    ['a negative revision', { revision: -1 }, /revision must not be less than 0/],
    ['a missing revision', { revision: undefined }, /revision must be an integer/],
    ['fractional sessions', { sessions: 1.5 }, /sessions must be an integer/],
    ['an unknown mode', { mode: 'sleeping' }, /mode must be one of/],
    ['an unknown property', { extra: true }, /property extra should not exist/],
  ])('answers 400 JSON to %s and records nothing', async (_what, overrides, message) => {
    const res = await api.post('/api/agents/report').send(aReport(overrides)).expect(400).expect('Content-Type', /json/);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
    expect((await api.get('/api/agents').expect(200)).body.agents).toEqual([]);
  });

  it('answers 400 JSON to a body that is not JSON', async () => {
    const res = await api.post('/api/agents/report').set('content-type', 'application/json').send('{"agentId":').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: 'request body is not valid JSON' });
  });
});
