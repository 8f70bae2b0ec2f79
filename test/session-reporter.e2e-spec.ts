import { initializeLogger, voice } from '@livekit/agents';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SessionReporter, livePrompts } from '../src/livekit/index.js';
import type { SessionRecord, SessionReport } from '../src/protocol/sessions.js';
import { FakePromptServer } from './support/client/fake-prompt-server.js';
import { PromptClient } from '../src/client/index.js';
import { waitFor } from './support/wait-for.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';

initializeLogger({ pretty: false, level: 'silent' });

interface Post {
  path: string;
  headers: IncomingHttpHeaders;
  body: SessionReport;
}

/**
 * A stand-in for `POST /api/sessions/report` on a real HTTP server, recording
 * every POST; `answer` picks each status. (The server's route is built in
 * parallel on s5-sessions; these tests pin the sender's side of the contract.)
 */
async function startReceiver(): Promise<{ url: string; posts: Post[]; answer: { status: (n: number) => number }; close(): Promise<void> }> {
  const posts: Post[] = [];
  const answer = { status: (_n: number) => 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({
        path: `${req.method} ${req.url}`,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SessionReport,
      });
      res.writeHead(answer.status(posts.length), { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    answer,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function aRecord(sessionId: string, turns = 1): SessionRecord {
  return {
    sessionId,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    label: 'production',
    prompts: { AGENT: 1 },
    receipts: [],
    metrics: { turns, userInterruptions: 0, agentErrors: 0, durationMs: 60_000, endReason: 'user_initiated', custom: {} },
  };
}

describe('SessionReporter (a real HTTP receiver)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let reporter: SessionReporter | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await reporter?.close();
    reporter = undefined;
    await receiver.close();
  });

  it('batches records, at most 50 a POST, to /api/sessions/report with the agent token', async () => {
    reporter = new SessionReporter({ url: receiver.url, token: 'agent-token', agentId: 'agent-1', intervalMs: 60_000 });
    for (let i = 0; i < 60; i++) reporter.submit(aRecord(`call-${i}`));
    await reporter.flush();
    expect(receiver.posts.map((p) => [p.path, p.headers.authorization, p.body.agentId, p.body.sessions.length])).toEqual([
      ['POST /api/sessions/report', 'Bearer agent-token', 'agent-1', 50],
      ['POST /api/sessions/report', 'Bearer agent-token', 'agent-1', 10],
    ]);
    expect(reporter.stats()).toEqual({ sent: 60, dropped: 0, refused: 0, failures: 0, queued: 0 });
  });

  it('sends on its own after the batching interval, and a newer record of a session replaces the queued one', async () => {
    reporter = new SessionReporter({ url: receiver.url, agentId: 'agent-1', intervalMs: 20 });
    reporter.submit(aRecord('call-1', 1));
    reporter.submit(aRecord('call-1', 5));
    await waitFor(() => receiver.posts.length === 1, 'the batch');
    expect(receiver.posts[0].body.sessions.map((s) => [s.sessionId, s.metrics.turns])).toEqual([['call-1', 5]]);
  });

  it('holds a bounded queue: past maxQueue the oldest records are dropped and counted', async () => {
    reporter = new SessionReporter({ url: receiver.url, agentId: 'agent-1', intervalMs: 60_000, maxQueue: 5 });
    for (let i = 0; i < 8; i++) reporter.submit(aRecord(`call-${i}`));
    expect(reporter.stats()).toMatchObject({ dropped: 3, queued: 5 });
    await reporter.flush();
    expect(receiver.posts[0].body.sessions.map((s) => s.sessionId)).toEqual(['call-3', 'call-4', 'call-5', 'call-6', 'call-7']);
  });

  it('retries a 503 and a 429 on the backoff schedule until the server takes the batch', async () => {
    receiver.answer.status = (n) => (n === 1 ? 503 : n === 2 ? 429 : 200);
    reporter = new SessionReporter({ url: receiver.url, agentId: 'agent-1', intervalMs: 60_000, backoff: { initialMs: 20, maxMs: 40 } });
    reporter.submit(aRecord('call-1'));
    void reporter.flush();
    await waitFor(() => reporter!.stats().sent === 1, 'the batch after two failures');
    expect(receiver.posts).toHaveLength(3);
    expect(reporter.stats()).toMatchObject({ failures: 2, queued: 0 });
  });

  it('drops a batch the server refuses (400) instead of resending it forever', async () => {
    const lines: string[] = [];
    receiver.answer.status = () => 400;
    reporter = new SessionReporter({ url: receiver.url, agentId: 'agent-1', intervalMs: 60_000, log: (m) => lines.push(m) });
    reporter.submit(aRecord('call-1'));
    await reporter.flush();
    expect(reporter.stats()).toMatchObject({ refused: 1, queued: 0, sent: 0 });
    expect(lines).toEqual([expect.stringMatching(/refused \(HTTP 400\)/)]);
  });

  it('a call bound with livePrompts is reported when it ends: receipts, turns and metrics', async () => {
    const fake = await FakePromptServer.start();
    fake.put('AGENT', 'v1');
    const client = new PromptClient({ url: fake.url, keys: ['AGENT'], readyTimeoutMs: 2000 });
    await client.ready();
    reporter = new SessionReporter({ url: receiver.url, agentId: 'agent-1', intervalMs: 10 });
    const model = new RecordingLLM();
    const session = aTestSession(model);
    const prompts = livePrompts(client, { session, key: 'AGENT', sessionId: 'room-42', reporter });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });
    await turn(session, model, 'hello');
    prompts.record('resolved', 1);
    await session.close();
    await waitFor(() => receiver.posts.length === 1, 'the final report');
    expect(receiver.posts[0].body.sessions).toEqual([
      expect.objectContaining({
        sessionId: 'room-42',
        label: 'production',
        endedAt: expect.any(String),
        prompts: { AGENT: 1 },
        turns: [expect.objectContaining({ revision: 1, versions: { AGENT: 1 } })],
        metrics: expect.objectContaining({ turns: 1, endReason: 'user_initiated', custom: { resolved: 1 } }),
      }),
    ]);
    await client.close();
    await fake.close();
  });
});
