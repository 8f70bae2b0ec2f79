import request from 'supertest';
import { inCandidate } from '../src/protocol/rollouts.js';
import type { Rollout, RolloutOffer } from '../src/protocol/rollouts.js';
import { startApp, type TestApp } from './support/app.js';
import { openStream, readEvents, type SseStream } from './support/sse.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'rollouts-webhook-secret-0123';

/**
 * Rollouts through the real app on both stores (docs/rollouts.md): every step
 * is a change of its label's view — revision, audit, webhook, stream — and the
 * offer travels with the label's view so a client decides per session.
 */
describe.each(storeTargets)('rollouts on $name', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  let receiver: WebhookReceiver;
  const streams: SseStream[] = [];

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    t = await startApp({ target, env: { STREAM_HEARTBEAT_MS: '50', WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
    api = request(t.url);
    await api
      .post('/api/prompts')
      .send({ key: 'A', text: 'baseline', labels: ['production', 'staging'] })
      .expect(201);
    await api.put('/api/prompts/A').send({ text: 'candidate', labels: [] }).expect(200);
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await t.close();
    await receiver.stop();
  });

  const open = async (query = ''): Promise<SseStream> => {
    const stream = await openStream(`${t.url}/api/prompts/stream${query}`);
    streams.push(stream);
    return stream;
  };
  const start = (body: Record<string, unknown> = {}) => api.post('/api/prompts/A/rollouts').send({ version: 2, percent: 10, ...body });
  const started = async (body: Record<string, unknown> = {}): Promise<Rollout> => (await start(body).expect(201)).body as Rollout;
  const etag = async (query = ''): Promise<string> => (await api.get(`/api/prompts${query}`).expect(200)).headers.etag;

  it('runs the lifecycle: start, raise, lower, complete, with status, who and why in the history', async () => {
    const r = await started({ message: 'try the new greeting' });
    expect(r).toMatchObject({ key: 'A', label: 'production', baseline: 1, candidate: 2, percent: 10, apply: 'live', status: 'active', guard: null });
    expect(r.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 30 }).expect(200);
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 12.5 }).expect(200);
    const done = (await api.post(`/api/prompts/A/rollouts/${r.id}/complete`).send({}).expect(200)).body as Rollout;
    expect(done).toMatchObject({ status: 'completed', percent: 100, updatedBy: 'anonymous' });
    expect(done.history.map((s) => [s.action, s.percent, s.revision])).toEqual([
      ['start', 10, 3],
      ['percent', 30, 4],
      ['percent', 12.5, 5],
      ['complete', 100, 6],
    ]);
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ version: 2, text: 'candidate', rollout: null });
    expect((await api.get(`/api/prompts/A/rollouts/${r.id}`).expect(200)).body).toMatchObject({
      ...done,
      verdict: null,
      figures: { candidate: { sessions: 0 } },
    });
    const { entries } = (await api.get('/api/audit?key=A&limit=4').expect(200)).body as { entries: { kind: string; rollout: unknown }[] };
    expect(entries.map((e) => [e.kind, e.rollout])).toEqual([
      ['rollout', { id: r.id, step: 'complete' }],
      ['rollout', { id: r.id, step: 'percent' }],
      ['rollout', { id: r.id, step: 'percent' }],
      ['rollout', { id: r.id, step: 'start' }],
    ]);
  });

  it('aborts with a reason: everyone back on the baseline, the rollout says who and why; a second abort is a 409', async () => {
    const r = await started();
    const aborted = (await api.post(`/api/prompts/A/rollouts/${r.id}/abort`).send({ reason: 'callers confused' }).expect(200)).body as Rollout;
    expect(aborted).toMatchObject({ status: 'aborted', reason: 'callers confused', percent: 0 });
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ version: 1, rollout: null });
    const again = await api.post(`/api/prompts/A/rollouts/${r.id}/abort`).send({ reason: 'again' }).expect(409);
    expect(again.body.message).toContain(`rollout ${r.id} of prompt "A" has ended`);
    const list = (await api.get('/api/prompts/A/rollouts').expect(200)).body as { rollouts: Rollout[] };
    expect(list.rollouts.map((x) => [x.id, x.status])).toEqual([[r.id, 'aborted']]);
  });

  it('keeps one active rollout per key and label, and answers a direct move of a label in rollout with a 409 naming it', async () => {
    const r = await started();
    expect((await start().expect(409)).body.message).toContain(`is in rollout ${r.id}`);
    const move = await api.put('/api/prompts/A/labels/production').send({ version: 2 }).expect(409);
    expect(move.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringContaining(`rollout ${r.id}`) as string });
    await api.post('/api/prompts/A/rollback').send({ version: 2 }).expect(409);
    await api.put('/api/prompts/A').send({ text: 'v3' }).expect(409);
    await api.delete('/api/prompts/A').expect(409);
    // Nothing was written by the refusals: production still serves the baseline with the offer.
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ version: 1, rollout: { id: r.id } });
  });

  it('refuses bad rollouts with a clear 4xx: same version, unknown version, label or rollout', async () => {
    expect((await start({ version: 1 }).expect(409)).body.message).toContain('already points at version 1');
    await start({ version: 9 }).expect(404);
    expect((await start({ label: 'canary' }).expect(404)).body.message).toContain('has no label "canary"');
    await api.post('/api/prompts/NOPE/rollouts').send({ version: 2, percent: 10 }).expect(404);
    await api.patch('/api/prompts/A/rollouts/unknown').send({ percent: 20 }).expect(404);
    await api.get('/api/prompts/A/rollouts/unknown').expect(404);
    expect(await api.get('/api/audit').then((r) => (r.body as { entries: unknown[] }).entries.length)).toBe(2);
  });

  it('carries the offer in the list, the read, the snapshot; a step changes the ETag of its label only', async () => {
    const [before, stagingBefore] = [await etag(), await etag('?label=staging')];
    const r = await started();
    const offer: RolloutOffer = { id: r.id, percent: 10, apply: 'live', candidate: { version: 2, text: 'candidate', variables: {} } };
    expect((await api.get('/api/prompts').expect(200)).body.prompts).toEqual([expect.objectContaining({ key: 'A', version: 1, rollout: offer })]);
    expect((await api.get('/api/prompts?label=staging').expect(200)).body.prompts).toEqual([expect.objectContaining({ rollout: null })]);
    expect((await api.get('/api/prompts?format=flat').expect(200)).body).toEqual({ A: 'baseline' });
    const [snapshot] = await readEvents(`${t.url}/api/prompts/stream`, 1);
    expect(snapshot.data).toEqual({
      revision: 3,
      prompts: { A: expect.objectContaining({ version: 1, text: 'baseline', rollout: offer }) as unknown },
    });
    const after = await etag();
    expect(after).not.toBe(before);
    await api.get('/api/prompts').set('If-None-Match', before).expect(200);
    await api.get('/api/prompts').set('If-None-Match', after).expect(304);
    expect(await etag('?label=staging')).toBe(stagingBefore);
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 20 }).expect(200);
    expect(await etag()).not.toBe(after);
  });

  it("sends each step to the label's subscribers only, with the offer, the step and apply; complete sends the candidate", async () => {
    const [production, staging] = [await open(), await open('?label=staging')];
    await Promise.all([production.changesUntil(1), staging.changesUntil(1)]);
    const r = await started({ apply: 'next-session' });
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 50, apply: 'live' }).expect(200);
    await api.post(`/api/prompts/A/rollouts/${r.id}/complete`).send({}).expect(200);
    const events = (await production.changesUntil(4)).slice(1);
    expect(
      events.map((e) => [
        e.event,
        e.id,
        e.data.version,
        e.data.text,
        e.data.step,
        e.data.apply,
        (e.data.rollout as RolloutOffer | null)?.percent ?? null,
      ]),
    ).toEqual([
      ['prompt.updated', '3', 1, 'baseline', 'start', 'next-session', 10],
      ['prompt.updated', '4', 1, 'baseline', 'percent', 'live', 50],
      ['prompt.updated', '5', 2, 'candidate', 'complete', 'next-session', null],
    ]);
    expect(events[0].data).toMatchObject({
      kind: 'rollout',
      labels: ['production'],
      rollout: { id: r.id, apply: 'next-session', candidate: { version: 2, text: 'candidate' } },
    });
    // Invariant 8: a production rollout changes nothing a staging subscriber receives.
    const heartbeats = staging.events.filter((e) => e.event === 'heartbeat').length;
    await staging.until((es) => es.filter((e) => e.event === 'heartbeat').length > heartbeats + 1, 'two more heartbeats');
    expect(staging.changes).toHaveLength(1);
    expect(staging.events.filter((e) => e.event === 'heartbeat').at(-1)?.id).toBe('1');
  });

  it('replays missed rollout steps on resume by Last-Event-ID, and sends each step as a webhook in order', async () => {
    const r = await started();
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 40 }).expect(200);
    await api.post(`/api/prompts/A/rollouts/${r.id}/abort`).send({ reason: 'no', apply: 'live' }).expect(200);
    const missed = await readEvents(`${t.url}/api/prompts/stream`, 3, { headers: { 'Last-Event-ID': '2' } });
    expect(missed.map((e) => [e.id, e.data.step, (e.data.rollout as RolloutOffer | null)?.percent ?? null, e.data.version])).toEqual([
      ['3', 'start', 10, 1],
      ['4', 'percent', 40, 1],
      ['5', 'abort', null, 1],
    ]);
    expect((missed[0].data.rollout as RolloutOffer).candidate.text).toBe('candidate');
    await waitFor(() => receiver.received.length === 5, 'five webhooks');
    expect(
      receiver.received.slice(2).map((w) => [w.headers['x-promptcast-revision'], w.headers['x-promptcast-event'], w.body.step, w.body.kind]),
    ).toEqual([
      ['3', 'prompt.updated', 'start', 'rollout'],
      ['4', 'prompt.updated', 'percent', 'rollout'],
      ['5', 'prompt.updated', 'abort', 'rollout'],
    ]);
    expect(receiver.received.every((w) => w.signatureValid)).toBe(true);
  });

  it('assigns 8–12% of 2,000 sessions to the candidate at 10%, and raising to 30% moves none of them back', async () => {
    const r = await started();
    const offerAt = async (): Promise<RolloutOffer> => (await api.get('/api/prompts/A').expect(200)).body.rollout as RolloutOffer;
    const sessions = Array.from({ length: 2000 }, (_, i) => `room-${i}-${target.name}`);
    const at10 = await offerAt();
    const candidates10 = sessions.filter((s) => inCandidate(at10.id, s, at10.percent));
    expect(candidates10.length).toBeGreaterThanOrEqual(160);
    expect(candidates10.length).toBeLessThanOrEqual(240);
    await api.patch(`/api/prompts/A/rollouts/${r.id}`).send({ percent: 30 }).expect(200);
    const at30 = await offerAt();
    expect(at30.percent).toBe(30);
    const candidates30 = new Set(sessions.filter((s) => inCandidate(at30.id, s, at30.percent)));
    expect(candidates10.filter((s) => !candidates30.has(s))).toEqual([]);
    expect(candidates30.size).toBeGreaterThan(candidates10.length);
  });

  it('gates complete of a protected label on the checks (422) unless forced with a reason', async () => {
    await api.put('/api/prompts/A').send({ text: 'Hello {{caller_name}}', labels: [] }).expect(200);
    await start({ version: 3 }).expect(422);
    const r = await started({ version: 3, force: true, reason: 'staged fix' });
    const refused = await api.post(`/api/prompts/A/rollouts/${r.id}/complete`).send({}).expect(422);
    expect(refused.body.checks).toContainEqual(expect.objectContaining({ level: 'error' }));
    await api.post(`/api/prompts/A/rollouts/${r.id}/complete`).send({ force: true, reason: 'known' }).expect(200);
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ version: 3 });
  });
});
