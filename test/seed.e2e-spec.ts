import request from 'supertest';
import { FRIDAY_PROMPTS } from '../src/prompts/seed.service.js';
import { FRIDAY_DEFAULTS } from '../src/worker/friday-prompts.js';
import { startApp } from './support/app.js';
import { storeTargets } from './support/store-targets.js';

describe.each(storeTargets)('first-start seed on $name', (target) => {
  it('seeds the Friday prompts as version 1 by "system" into an empty store', async () => {
    const t = await startApp({ target, env: { SEED: 'true' } });
    try {
      const res = await request(t.url).get('/api/prompts').expect(200);
      expect(res.body.revision).toBe(2);
      expect(res.body.prompts).toEqual([
        expect.objectContaining({ key: 'AGENT_INSTRUCTION', text: FRIDAY_PROMPTS.AGENT_INSTRUCTION, version: 1, author: 'system' }),
        expect.objectContaining({ key: 'SESSION_INSTRUCTION', text: 'Greet the user and offer your help.', version: 1, author: 'system' }),
      ]);
      expect(FRIDAY_PROMPTS.AGENT_INSTRUCTION).toMatch(/^You are Friday, a helpful voice assistant/);
    } finally {
      await t.close();
    }
  });

  it('never seeds again once the store has been written, even if the prompts were deleted', async () => {
    const first = await startApp({ target, env: { SEED: 'true' } });
    await request(first.url).delete('/api/prompts/AGENT_INSTRUCTION').expect(204);
    await first.stop();
    const second = await startApp({ target, env: { SEED: 'true' }, store: first.store });
    try {
      const res = await request(second.url).get('/api/prompts').expect(200);
      expect(res.body.revision).toBe(3);
      expect(res.body.prompts.map((p: { key: string }) => p.key)).toEqual(['SESSION_INSTRUCTION']);
    } finally {
      await second.close();
      await first.store.cleanup();
    }
  });

  it('does not seed when switched off', async () => {
    const t = await startApp({ target, env: { SEED: 'false' } });
    try {
      expect((await request(t.url).get('/api/prompts').expect(200)).body).toEqual({ revision: 0, prompts: [] });
    } finally {
      await t.close();
    }
  });
});

// The worker may not import server code, so it keeps its own copy of the seed texts.
describe('Friday built-in defaults', () => {
  it('are exactly what a fresh server seeds, so a cold worker behaves as a fresh install does', async () => {
    const t = await startApp({ env: { SEED: 'true' } });
    try {
      const res = await request(t.url).get('/api/prompts?format=flat').expect(200);
      expect(res.body).toEqual({ ...FRIDAY_DEFAULTS });
    } finally {
      await t.close();
    }
  });
});
