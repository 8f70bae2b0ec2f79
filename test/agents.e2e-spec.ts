import request from 'supertest';
import { FleetService } from '../src/fleet/fleet.service.js';
import { FOLLOWED_VIEWS_PER_TOKEN } from '../src/fleet/followed-views.js';
import { PromptsService } from '../src/prompts/prompts.service.js';
import type { RequestActor } from '../src/auth/actor.decorator.js';
import type { AgentList } from '../src/protocol/fleet.js';
import { REVISION_MAX } from '../src/protocol/revision.js';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, authEnv, bearer } from './support/auth.js';
import { PromptsApi } from './support/prompts-api.js';
import { storeTargets } from './support/store-targets.js';

/** A second agent token: another fleet, or a leaked token in an attacker's hands. */
const OTHER = { name: 'other-fleet', secret: 'other-agent-secret-0123456789' };
const twoAgentTokens = (extra: Record<string, string> = {}) =>
  authEnv({ AGENT_TOKENS: `${AGENT.name}:${AGENT.secret},${OTHER.name}:${OTHER.secret}`, ...extra });

const aReport = (overrides: Record<string, unknown> = {}) => ({ agentId: 'friday-1', revision: 1, sessions: 2, mode: 'streaming', ...overrides });
const agentIds = (body: { agents: Array<{ agentId: string }> }) => body.agents.map((a) => a.agentId);
const pad = (i: number) => String(i).padStart(5, '0');

describe.each(storeTargets)('fleet reports on $name (POST /api/agents/report, GET /api/agents)', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    t = await startApp({ target });
    api = request(t.url);
  });
  afterEach(() => t.close());

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
      total: 2,
      behind: 2,
      next: null,
      agents: [
        {
          agentId: 'friday-1',
          revision: 1,
          sessions: 2,
          mode: 'streaming',
          label: 'production',
          reportedAt: expect.any(String),
          address: expect.stringContaining('127.0.0.1'),
          behind: true,
        },
        {
          agentId: 'friday-2',
          revision: null,
          sessions: 0,
          mode: 'offline',
          label: 'production',
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
    expect(after.body).toMatchObject({ total: 2, behind: 1 });
  });

  it("counts an agent behind against its own label's view: drafts and other labels' moves do not make it behind", async () => {
    const prompts = request(t.url);
    await prompts
      .post('/api/prompts')
      .send({ key: 'A', text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    await api
      .post('/api/agents/report')
      .send(aReport({ agentId: 'prod-1', revision: 1 }))
      .expect(204);
    await api
      .post('/api/agents/report')
      .send(aReport({ agentId: 'stage-1', revision: 1, label: 'staging' }))
      .expect(204);
    await prompts.put('/api/prompts/A').send({ text: 'draft', labels: [] }).expect(200);
    await prompts
      .put('/api/prompts/A')
      .send({ text: 'v3', labels: ['staging'] })
      .expect(200);
    const { agents } = (await api.get('/api/agents').expect(200)).body as { agents: { agentId: string; label: string; behind: boolean }[] };
    expect(agents.map((a) => [a.agentId, a.label, a.behind])).toEqual([
      ['prod-1', 'production', false],
      ['stage-1', 'staging', true],
    ]);
    await api
      .post('/api/agents/report')
      .send(aReport({ agentId: 'x', revision: 1, label: 'Not A Label' }))
      .expect(400);
  });

  it("counts an agent that follows some keys behind against its own keys' view: a save to another key does not make it behind", async () => {
    const prompts = new PromptsApi(t.url);
    await prompts.create('A', 'a1');
    const { revision: atB } = await prompts.create('B', 'b1');
    const report = (agentId: string, revision: number, keys?: string) =>
      api
        .post('/api/agents/report')
        .send(aReport({ agentId, revision, ...(keys === undefined ? {} : { keys }) }))
        .expect(204);
    const behind = async () =>
      Object.fromEntries(((await api.get('/api/agents').expect(200)).body as AgentList).agents.map((a) => [a.agentId, a.behind]));
    // The stream's heartbeat for ?keys=A carries revision 1 (A's view), not 2: that is what a keyed agent reports.
    await report('follows-a', 1, 'A');
    await report('follows-b-a', 1, ' B , A,A');
    await report('follows-all', atB);
    await report('old-client', 1);

    await prompts.update('B', 'b2');
    expect(await behind()).toEqual({ 'follows-a': false, 'follows-all': true, 'follows-b-a': true, 'old-client': true });

    const { revision: atA } = await prompts.update('A', 'a2');
    expect(await behind()).toEqual({ 'follows-a': true, 'follows-all': true, 'follows-b-a': true, 'old-client': true });
    await report('follows-a', atA, 'A');
    await report('follows-b-a', atA, 'A,B');
    expect(await behind()).toEqual({ 'follows-a': false, 'follows-all': true, 'follows-b-a': false, 'old-client': true });
  });

  it('judges a keyed agent against the view of its own label and keys only', async () => {
    const prompts = request(t.url);
    await prompts
      .post('/api/prompts')
      .send({ key: 'A', text: 'a1', labels: ['production', 'staging'] })
      .expect(201);
    await prompts
      .post('/api/prompts')
      .send({ key: 'B', text: 'b1', labels: ['staging'] })
      .expect(201);
    await api
      .post('/api/agents/report')
      .send(aReport({ agentId: 'stage-a', revision: 1, label: 'staging', keys: 'A' }))
      .expect(204);
    // A staging move of B and a production save of A: neither is in staging's view of A.
    await prompts
      .put('/api/prompts/B')
      .send({ text: 'b2', labels: ['staging'] })
      .expect(200);
    await prompts.put('/api/prompts/A').send({ text: 'a2' }).expect(200);
    expect((await api.get('/api/agents').expect(200)).body.agents).toEqual([expect.objectContaining({ agentId: 'stage-a', behind: false })]);
    await prompts.put('/api/prompts/A/labels/staging').send({ version: 2 }).expect(200);
    expect((await api.get('/api/agents').expect(200)).body.agents).toEqual([expect.objectContaining({ agentId: 'stage-a', behind: true })]);
  });

  it.each([
    ['a missing agentId', { agentId: undefined }, /agentId/],
    ['an agentId with spaces', { agentId: 'friday 1' }, /agentId must be/],
    ['a negative revision', { revision: -1 }, /revision must not be less than 0/],
    ['a missing revision', { revision: undefined }, /revision must be an integer/],
    ['a revision above REVISION_MAX', { revision: REVISION_MAX + 1 }, /revision must not be greater than 999999999999999/],
    ['a revision of 1e300', { revision: 1e300 }, /revision must not be greater than 999999999999999/],
    ['fractional sessions', { sessions: 1.5 }, /sessions must be an integer/],
    ['an unknown mode', { mode: 'sleeping' }, /mode must be one of/],
    ['keys that are not a key list', { keys: 'A;B' }, /keys must be a comma-separated list of prompt keys/],
    ['an empty key list', { keys: '' }, /keys must be a comma-separated list of prompt keys/],
    ['keys as an array', { keys: ['A'] }, /keys must be a string/],
    [
      'a key list over 16 KB',
      { keys: Array.from({ length: 2000 }, (_, i) => `KEY_${i}`).join(',') },
      /keys must be shorter than or equal to 16384 characters/,
    ],
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

  // The server is at revision 2 in each row: an agent cannot have applied a change the server has not made.
  it.each([
    ['the next revision', 3, 400],
    ['revision 999,999', 999_999, 400],
    ['the current revision', 2, 204],
    ['an older revision', 1, 204],
    ['revision 0', 0, 204],
    ['no revision (built-in defaults)', null, 204],
  ])('answers a report at %s with %d', async (_what, revision, status) => {
    const prompts = new PromptsApi(t.url);
    await prompts.create('AGENT_INSTRUCTION', 'v1');
    await prompts.update('AGENT_INSTRUCTION', 'v2');
    const res = await api.post('/api/agents/report').send(aReport({ revision })).expect(status);
    const listed = (await api.get('/api/agents').expect(200)).body;
    if (status === 204) return expect(listed.agents).toEqual([expect.objectContaining({ agentId: 'friday-1', revision })]);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `revision ${revision} is ahead of the server's current revision 2: an agent can only report a revision the server has sent`,
    });
    expect(listed.agents).toEqual([]);
  });

  it("accepts a revision committed by another process whose change this one's feed has not heard of", async () => {
    // A second app on the same store: on SQLite its change feed never hears the first app's writes
    // (the signal is in-process), as a PostgreSQL replica's feed may lag another's by a few ms.
    const second = await startApp({ target, store: t.store });
    try {
      await new PromptsApi(second.url).create('AGENT_INSTRUCTION', 'v1');
      await api
        .post('/api/agents/report')
        .send(aReport({ revision: 1 }))
        .expect(204);
      await api
        .post('/api/agents/report')
        .send(aReport({ revision: 2 }))
        .expect(400);
    } finally {
      await second.stop();
    }
  });
});

describe('fleet reports: paging GET /api/agents', () => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  let fleet: FleetService;
  const actor: RequestActor = { author: 'anonymous', address: '127.0.0.1', scopes: [], via: 'open' };

  beforeAll(async () => {
    t = await startApp();
    api = request(t.url);
    fleet = t.app.get(FleetService);
    await new PromptsApi(t.url).create('AGENT_INSTRUCTION', 'v1');
    // 120 agents, every third one on built-in defaults (behind); reported in reverse so order is not arrival order.
    for (let i = 119; i >= 0; i--) await fleet.report(aReport({ agentId: `agent-${pad(i)}`, revision: i % 3 === 0 ? null : 1 }) as never, actor);
  });
  afterAll(() => t.close());

  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `agent-${pad(from + i)}`);

  it.each([
    ['the default page', '', ids(0, 50), 'agent-00049'],
    ['a smaller page', '?limit=7', ids(0, 7), 'agent-00006'],
    ['the page after a cursor', '?cursor=agent-00049', ids(50, 100), 'agent-00099'],
    ['the last page', '?cursor=agent-00099', ids(100, 120), null],
    ['the largest page', '?limit=200', ids(0, 120), null],
    ['a cursor between ids', '?limit=2&cursor=agent-00010a', ids(11, 13), 'agent-00012'],
    ['a cursor past the end', '?cursor=zzz', [], null],
  ])('answers %s in agent-id order with the summary counts', async (_what, query, expected, next) => {
    const res = await api.get(`/api/agents${query}`).expect(200);
    expect(agentIds(res.body)).toEqual(expected);
    expect(res.body).toMatchObject({ revision: 1, total: 120, behind: 40, next });
  });

  it('visits every agent exactly once by following next', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { agents: Array<{ agentId: string }>; next: string | null } = (
        await api.get(`/api/agents?limit=33${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
      ).body;
      expect(page.agents.length).toBeLessThanOrEqual(33);
      seen.push(...agentIds(page));
      cursor = page.next ?? null;
    }
    expect(seen).toEqual(ids(0, 120));
  });

  it.each([
    ['limit=0', /limit must not be less than 1/],
    ['limit=201', /limit must not be greater than 200/],
    ['limit=abc', /limit must be a whole number/],
    ['cursor=', /cursor must be/],
    ['cursor=a%20b', /cursor must be/],
    [`cursor=${'a'.repeat(129)}`, /cursor must be/],
    ['before=1', /property before should not exist/],
  ])('answers 400 JSON to ?%s', async (query, message) => {
    const res = await api.get(`/api/agents?${query}`).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
  });

  it('stays under 64 KB with 12,000 agents in the roster, even at the largest page of the longest ids', async () => {
    const many = await startApp({ env: { AGENT_MAX_PER_TOKEN: '20000' } });
    try {
      const roster = many.app.get(FleetService);
      for (let i = 0; i < 12_000; i++) await roster.report(aReport({ agentId: `${pad(i)}-${'x'.repeat(122)}`, revision: 0 }) as never, actor);
      for (const query of ['', '?limit=200']) {
        const res = await request(many.url).get(`/api/agents${query}`).expect(200);
        expect(res.body).toMatchObject({ total: 12_000, behind: 0 });
        expect(Buffer.byteLength(res.text)).toBeLessThan(64 * 1024);
      }
    } finally {
      await many.close();
    }
  });
});

describe('fleet reports: the views agents follow', () => {
  let t: TestApp;
  let fleet: FleetService;
  const queries = { view: 0, labels: 0 };
  const as = (author: string): RequestActor => ({ author, address: '127.0.0.1', scopes: [], via: 'token' });

  beforeEach(async () => {
    t = await startApp();
    fleet = t.app.get(FleetService);
    const prompts = t.app.get(PromptsService);
    const [viewRevision, labelRevisions] = [prompts.viewRevision.bind(prompts), prompts.labelRevisions.bind(prompts)];
    queries.view = queries.labels = 0;
    prompts.viewRevision = (...args) => (queries.view++, viewRevision(...args));
    prompts.labelRevisions = () => (queries.labels++, labelRevisions());
    await new PromptsApi(t.url).create('A', 'a1');
  });
  afterEach(() => t.close());

  it("costs one query per distinct view however many agents follow it, and one for every label's revision", async () => {
    for (let i = 0; i < 300; i++) {
      const keys = [undefined, 'A', 'B,A', 'A,B'][i % 4];
      await fleet.report({ ...aReport({ agentId: `agent-${pad(i)}`, revision: 1 }), keys } as never, as(i % 2 ? 'fleet' : 'other'));
    }
    const res = await request(t.url).get('/api/agents').expect(200);
    expect(res.body).toMatchObject({ total: 300, behind: 0 });
    expect(queries).toEqual({ view: 2, labels: 1 });
  });

  it(`lets one token follow at most ${FOLLOWED_VIEWS_PER_TOKEN} views: the listing's queries stay bounded, further agents count against every key`, async () => {
    await new PromptsApi(t.url).create('B', 'b1');
    for (let i = 0; i < 100; i++)
      await fleet.report({ ...aReport({ agentId: `rogue-${pad(i)}`, revision: 1 }), keys: `A,K${i}` } as never, as('fleet'));
    await fleet.report({ ...aReport({ agentId: 'honest', revision: 1 }), keys: 'A' } as never, as('other'));
    const res = await request(t.url).get('/api/agents?limit=200').expect(200);
    expect(queries).toEqual({ view: FOLLOWED_VIEWS_PER_TOKEN + 1, labels: 1 });
    // Revision 1 is current for A's view; agents whose view found no room are judged against production's B too.
    expect(res.body).toMatchObject({ total: 101, behind: 100 - FOLLOWED_VIEWS_PER_TOKEN });
    expect((res.body as AgentList).agents.find((a) => a.agentId === 'honest')).toMatchObject({ behind: false });
  });
});

describe('fleet reports: who may report for an agent id, and how often', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const list = async (app: TestApp): Promise<AgentList> =>
    (await request(app.url).get('/api/agents?limit=200').set(bearer(ADMIN.secret)).expect(200)).body as AgentList;

  it('keeps an agent id for the token that first reported it: another token gets 409 and changes nothing', async () => {
    t = await startApp({ env: twoAgentTokens() });
    const report = (secret: string, overrides: Record<string, unknown>) =>
      request(t!.url)
        .post('/api/agents/report')
        .set(bearer(secret))
        .send(aReport({ revision: 0, ...overrides }));
    await report(AGENT.secret, { sessions: 1 }).expect(204);
    const res = await report(OTHER.secret, { sessions: 9, mode: 'offline' }).expect(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message:
        'agentId "friday-1" belongs to another token until it has been silent for AGENT_REPORT_TTL_MS (60000 ms); give this agent process another id (PROMPTCAST_AGENT_ID)',
    });
    expect((await list(t)).agents).toEqual([expect.objectContaining({ agentId: 'friday-1', sessions: 1, mode: 'streaming' })]);
    await report(AGENT.secret, { sessions: 3 }).expect(204);
    expect((await list(t)).agents).toEqual([expect.objectContaining({ agentId: 'friday-1', sessions: 3 })]);
  });

  it('lets any caller update any agent id when the server runs open (no tokens)', async () => {
    t = await startApp({ env: { TRUST_PROXY_HOPS: '1' } });
    const from = (address: string, sessions: number) =>
      request(t!.url)
        .post('/api/agents/report')
        .set('X-Forwarded-For', address)
        .send(aReport({ revision: 0, sessions }))
        .expect(204);
    await from('10.0.0.1', 1);
    await from('10.0.0.2', 2);
    expect((await list(t)).agents).toEqual([expect.objectContaining({ sessions: 2, address: '10.0.0.2' })]);
  });

  it("evicts only the flooding token's own agents when it reaches AGENT_MAX_PER_TOKEN", async () => {
    t = await startApp({ env: twoAgentTokens({ AGENT_MAX_PER_TOKEN: '5' }) });
    const report = (secret: string, agentId: string) =>
      request(t!.url)
        .post('/api/agents/report')
        .set(bearer(secret))
        .send(aReport({ agentId, revision: 0 }))
        .expect(204);
    await report(AGENT.secret, 'friday-a');
    await report(AGENT.secret, 'friday-b');
    for (let i = 0; i < 20; i++) await report(OTHER.secret, `rogue-${pad(i)}`);
    const body = await list(t);
    expect(agentIds(body)).toEqual(['friday-a', 'friday-b', ...[15, 16, 17, 18, 19].map((i) => `rogue-${pad(i)}`)]);
    expect(body.total).toBe(7);
  });

  it.each([
    {
      what: 'per token',
      env: twoAgentTokens({ RATE_LIMIT_REPORTS_PER_MIN: '3' }),
      first: bearer(AGENT.secret),
      second: bearer(OTHER.secret),
      from: 'this token',
    },
    {
      what: 'per address when the server runs open',
      env: { TRUST_PROXY_HOPS: '1', RATE_LIMIT_REPORTS_PER_MIN: '3' },
      first: { 'X-Forwarded-For': '10.0.0.1' },
      second: { 'X-Forwarded-For': '10.0.0.2' },
      from: 'this address',
    },
  ])('limits reports $what (RATE_LIMIT_REPORTS_PER_MIN): 429 with Retry-After beyond it', async ({ env, first, second, from }) => {
    t = await startApp({ env });
    const report = (headers: Record<string, string>, i: number) =>
      request(t!.url)
        .post('/api/agents/report')
        .set(headers)
        .send(aReport({ agentId: `friday-${i}`, revision: 0 }));
    for (let i = 0; i < 3; i++) await report(first, i).expect(204);
    const refused = await report(first, 3).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(
        new RegExp(`^too many fleet reports from ${from}: at most 3 a minute \\(RATE_LIMIT_REPORTS_PER_MIN\\); retry after \\d+ s$`),
      ),
    });
    await report(second, 4).expect(204);
    expect(agentIds(await list(t))).toEqual(['friday-0', 'friday-1', 'friday-2', 'friday-4']);
  });
});
