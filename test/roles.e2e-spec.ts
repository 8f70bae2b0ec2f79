import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, bearer, EDITOR, rolesEnv, VIEWER } from './support/auth.js';
import { openStream } from './support/sse.js';

type Caller = 'admin' | 'editor' | 'viewer' | 'agent' | 'none';
const SECRETS: Record<Exclude<Caller, 'none'>, string> = { admin: ADMIN.secret, editor: EDITOR.secret, viewer: VIEWER.secret, agent: AGENT.secret };
const CALLERS: Caller[] = ['admin', 'editor', 'viewer', 'agent', 'none'];

/** One API route, and the status each caller gets. `{}` in a path or body is replaced by a prompt key made for the row. */
interface Row {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: Record<string, unknown>;
  expect: Record<Caller, number>;
}

const reads = (name: string, path: string): Row => ({
  name,
  method: 'get',
  path,
  expect: { admin: 200, editor: 200, viewer: 200, agent: 200, none: 401 },
});

/**
 * The role matrix: admin / editor / viewer / agent / none × every API route.
 * Editors prepare releases (drafts, unprotected labels) and an admin publishes
 * (production, deletes, rollbacks). Each row runs on prompts made for it.
 */
const ROWS: Row[] = [
  reads('list', '/api/prompts'),
  reads('list a label', '/api/prompts?label=staging'),
  reads('one prompt', '/api/prompts/{}'),
  reads('versions', '/api/prompts/{}/versions'),
  reads('one version', '/api/prompts/{}/versions/1'),
  reads('labels', '/api/prompts/{}/labels'),
  reads('fleet', '/api/agents'),
  reads('metrics', '/metrics'),
  { name: 'audit trail', method: 'get', path: '/api/audit', expect: { admin: 200, editor: 200, viewer: 200, agent: 403, none: 401 } },
  {
    name: 'create a draft',
    method: 'post',
    path: '/api/prompts',
    body: { key: 'NEW_{}', text: 'x', labels: [] },
    expect: { admin: 201, editor: 201, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'create live (production)',
    method: 'post',
    path: '/api/prompts',
    body: { key: 'NEW_{}', text: 'x' },
    expect: { admin: 201, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'save a draft',
    method: 'put',
    path: '/api/prompts/{}',
    body: { text: 'x', labels: [] },
    expect: { admin: 200, editor: 200, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'save to staging',
    method: 'put',
    path: '/api/prompts/{}',
    body: { text: 'x', labels: ['staging'] },
    expect: { admin: 200, editor: 200, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'save live (production)',
    method: 'put',
    path: '/api/prompts/{}',
    body: { text: 'x' },
    expect: { admin: 200, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'move staging',
    method: 'put',
    path: '/api/prompts/{}/labels/staging',
    body: { version: 2 },
    expect: { admin: 200, editor: 200, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'move production',
    method: 'put',
    path: '/api/prompts/{}/labels/production',
    body: { version: 2 },
    expect: { admin: 200, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'remove staging',
    method: 'delete',
    path: '/api/prompts/{}/labels/staging',
    expect: { admin: 204, editor: 204, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'roll back production',
    method: 'post',
    path: '/api/prompts/{}/rollback',
    body: { version: 2 },
    expect: { admin: 200, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'check a text (no write)',
    method: 'post',
    path: '/api/prompts/{}/check',
    body: { text: 'Hi {{x}}' },
    expect: { admin: 200, editor: 200, viewer: 200, agent: 200, none: 401 },
  },
  {
    name: 'publish a version with errors',
    method: 'put',
    path: '/api/prompts/{}',
    body: { text: 'Hi {{x}}' },
    expect: { admin: 422, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  {
    name: 'force a version with errors',
    method: 'put',
    path: '/api/prompts/{}',
    body: { text: 'Hi {{x}}', force: true, reason: 'approved' },
    expect: { admin: 200, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
  { name: 'delete a prompt', method: 'delete', path: '/api/prompts/{}', expect: { admin: 204, editor: 403, viewer: 403, agent: 403, none: 401 } },
  {
    name: 'fleet report',
    method: 'post',
    path: '/api/agents/report',
    body: { agentId: 'agent-{}', revision: null, sessions: 0, mode: 'streaming' },
    expect: { admin: 403, editor: 403, viewer: 403, agent: 204, none: 401 },
  },
  {
    name: 'session report',
    method: 'post',
    path: '/api/sessions/report',
    body: {
      agentId: 'agent-{}',
      sessions: [
        {
          sessionId: 'room-{}',
          startedAt: '2026-03-01T10:00:00.000Z',
          label: 'production',
          prompts: { '{}': 1 },
          receipts: [],
          metrics: { turns: 1, userInterruptions: 0, agentErrors: 0, durationMs: 1000, endReason: null },
        },
      ],
    },
    expect: { admin: 403, editor: 403, viewer: 403, agent: 204, none: 401 },
  },
  reads('calls', '/api/sessions?key={}'),
  // Read scope gets as far as the lookup: no call of that id was reported.
  { name: 'one call', method: 'get', path: '/api/sessions/nobody-{}', expect: { admin: 404, editor: 404, viewer: 404, agent: 404, none: 401 } },
  // The whole store, audit addresses included, and history written under others' names: admins only.
  { name: 'store export', method: 'get', path: '/api/admin/export', expect: { admin: 200, editor: 403, viewer: 403, agent: 403, none: 401 } },
  // An admin passes the guard and is stopped by the body (JSON is not an export): 415, not 401/403.
  {
    name: 'store import',
    method: 'post',
    path: '/api/admin/import',
    body: { type: 'meta' },
    expect: { admin: 415, editor: 403, viewer: 403, agent: 403, none: 401 },
  },
];

describe('the role matrix (ADMIN_, EDITOR_, VIEWER_, AGENT_TOKENS)', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startApp({ env: rolesEnv({ RATE_LIMIT_WRITES_PER_MIN: '100000' }) });
  });
  afterAll(() => t.close());

  /** A prompt with version 1 in production and staging and a draft version 2, made by the admin. */
  async function aReleasedPrompt(): Promise<string> {
    const key = `K${(n += 1)}`;
    const admin = request(t.url);
    await admin
      .post('/api/prompts')
      .set(bearer(ADMIN.secret))
      .send({ key, text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    await admin.put(`/api/prompts/${key}`).set(bearer(ADMIN.secret)).send({ text: 'v2 draft', labels: [] }).expect(200);
    return key;
  }

  const cases = ROWS.flatMap((row) => CALLERS.map((caller) => [row.name, caller, row.expect[caller], row] as const));

  it.each(cases)('%s as %s answers %i', async (_name, caller, status, row) => {
    const key = await aReleasedPrompt();
    const fill = (text: string) => text.replaceAll('{}', key);
    let req = request(t.url)[row.method](fill(row.path));
    if (caller !== 'none') req = req.set(bearer(SECRETS[caller]));
    const body = row.body && JSON.parse(fill(JSON.stringify(row.body)));
    const res = await (body ? req.send(body) : req);
    expect(res.status).toBe(status);
    // An editor is stopped by the protected label, not by a missing scope: the message says what to do instead.
    if (status === 403 && caller === 'editor' && !row.path.endsWith('/report') && !['store export', 'store import'].includes(row.name))
      expect(res.body.message).toMatch(/label "production" is protected/);
  });

  it.each(CALLERS)('the stream as %s', async (caller) => {
    const headers = caller === 'none' ? {} : bearer(SECRETS[caller]);
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers });
    try {
      expect(stream.status).toBe(caller === 'none' ? 401 : 200);
    } finally {
      await stream.close();
    }
  });
});
