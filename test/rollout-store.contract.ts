import { labelView } from '../src/store/label-view.js';
import type { PromptStore, RolloutStartInput } from '../src/store/prompt-store.js';
import type { RolloutStepRules } from '../src/store/rollout-plan.js';
import { aPrompt, EDITOR, PUBLISHER } from './support/factories.js';
import type { StoreHarness } from './store.contract.js';

/**
 * Rollouts as every PromptStore keeps them (docs/rollouts.md): each step is a
 * change of the label's view, one active rollout per key and label, a label in
 * rollout moves only through it, and the log replays each step's offer.
 */
export function describeRolloutContract(name: string, harness: () => StoreHarness): void {
  describe(`PromptStore rollout contract: ${name}`, () => {
    let h: StoreHarness;
    let store: PromptStore;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
      await store.create(aPrompt({ key: 'A', text: 'base', labels: ['production', 'staging'] }));
      await store.update(aPrompt({ key: 'A', text: 'candidate', labels: [] }));
    });
    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    const start = (overrides: Partial<RolloutStartInput> = {}) =>
      store.startRollout({
        key: 'A',
        id: 'r1',
        label: 'production',
        version: 2,
        basisPoints: 1000,
        apply: 'live',
        guard: null,
        message: null,
        policy: PUBLISHER,
        hasErrors: false,
        author: 'ops',
        ...overrides,
      });
    const step = (rules: RolloutStepRules, id = 'r1', author = 'ops') =>
      store.stepRollout({ key: 'A', id, rules, message: null, policy: PUBLISHER, author });
    const view = async (label = 'production') => labelView(await store.labelSnapshot(label));

    it('starts a rollout as a change of the label view: the baseline stays, the offer carries the candidate', async () => {
      const out = await start({ guard: { metric: 'errors', maxIncrease: 0.05, minSessions: 50 } });
      expect(out).toMatchObject({
        ok: true,
        change: { revision: 3, kind: 'rollout', version: 1, text: 'base', moves: [{ label: 'production', from: 1, to: 1 }], apply: 'live' },
        rollout: { id: 'r1', key: 'A', label: 'production', baseline: 1, candidate: 2, percent: 10, status: 'active', createdBy: 'ops' },
      });
      const offer = { id: 'r1', percent: 10, apply: 'live', candidate: { version: 2, text: 'candidate', variables: {} } };
      expect(out.ok && out.change.rollout).toEqual({ id: 'r1', step: 'start', offer });
      expect(out.ok && out.rollout.guard).toEqual({ metric: 'errors', maxIncrease: 0.05, minSessions: 50 });
      expect(await view()).toMatchObject({ revision: 3, prompts: [{ key: 'A', version: 1, text: 'base', rollout: offer }] });
      expect(await store.get('A', 'production')).toMatchObject({ version: 1, rollout: offer });
      // Another label's view is untouched: no offer, the same revision (invariant 8).
      expect(await view('staging')).toMatchObject({ revision: 1, prompts: [{ key: 'A', version: 1, rollout: null }] });
      expect(await store.viewRevision('staging')).toBe(1);
      expect(await store.viewRevision('production')).toBe(3);
    });

    it('keeps one active rollout per key and label, and refuses a direct move, save, unlabel or delete of a label in rollout', async () => {
      await start();
      expect(await start({ id: 'r2' })).toEqual({ ok: false, reason: 'rollout_active', label: 'production', rollout: 'r1' });
      const move = {
        key: 'A',
        label: 'production',
        version: 2,
        kind: 'label' as const,
        author: 'ops',
        message: null,
        policy: PUBLISHER,
        hasErrors: false,
      };
      expect(await store.moveLabel(move)).toMatchObject({ ok: false, reason: 'rollout_active', rollout: 'r1' });
      expect(await store.update(aPrompt({ key: 'A', labels: ['production'] }))).toMatchObject({ ok: false, reason: 'rollout_active' });
      expect(await store.remove({ key: 'A', author: 'ops', policy: PUBLISHER })).toMatchObject({ ok: false, reason: 'rollout_active' });
      // Staging has no rollout: it still moves, and a rollout of staging may run beside production's.
      expect(await store.moveLabel({ ...move, label: 'staging' })).toMatchObject({ ok: true });
      await store.update(aPrompt({ key: 'A', text: 'v3', labels: [] }));
      expect(await start({ id: 'r2', label: 'staging', version: 3 })).toMatchObject({ ok: true, rollout: { label: 'staging', baseline: 2 } });
      expect(await store.removeLabel({ key: 'A', label: 'staging', author: 'ops', message: null, policy: PUBLISHER })).toMatchObject({
        ok: false,
        reason: 'rollout_active',
        rollout: 'r2',
      });
      expect(await store.revision()).toBe(6);
    });

    it('raises, lowers, completes: the history says who and when, and complete moves the label to the candidate', async () => {
      await start();
      await step({ action: 'percent', basisPoints: 3000 }, 'r1', 'eve');
      await step({ action: 'percent', basisPoints: 500, apply: 'next-session' });
      const done = await step({ action: 'complete', hasErrors: false });
      expect(done).toMatchObject({
        ok: true,
        change: {
          kind: 'rollout',
          version: 2,
          text: 'candidate',
          moves: [{ label: 'production', from: 1, to: 2 }],
          rollout: { step: 'complete', offer: null },
        },
        rollout: { status: 'completed', percent: 100, updatedBy: 'ops' },
      });
      expect(done.ok && done.rollout.history.map((s) => [s.action, s.percent, s.author, s.revision])).toEqual([
        ['start', 10, 'ops', 3],
        ['percent', 30, 'eve', 4],
        ['percent', 5, 'ops', 5],
        ['complete', 100, 'ops', 6],
      ]);
      expect(await store.get('A', 'production')).toMatchObject({ version: 2, rollout: null });
      expect(await step({ action: 'abort', reason: 'late' })).toEqual({ ok: false, reason: 'rollout_ended', rollout: 'r1', label: 'production' });
      // The label is free again: a direct move goes ahead.
      const back = {
        key: 'A',
        label: 'production',
        version: 1,
        kind: 'label' as const,
        author: 'ops',
        message: null,
        policy: PUBLISHER,
        hasErrors: false,
      };
      expect(await store.moveLabel(back)).toMatchObject({ ok: true });
    });

    it('aborts back to the baseline with the reason, and replays every step of the log with the offer it had', async () => {
      await start();
      await step({ action: 'percent', basisPoints: 2550 });
      const aborted = await step({ action: 'abort', reason: 'errors up' }, 'r1', 'guard');
      expect(aborted).toMatchObject({ ok: true, rollout: { status: 'aborted', reason: 'errors up', updatedBy: 'guard', percent: 0 } });
      expect(await store.get('A', 'production')).toMatchObject({ version: 1, rollout: null });
      const replay = await store.changesAfter(2, 10);
      expect(replay.map((c) => [c.revision, c.kind, c.version, c.rollout?.step, c.rollout?.offer?.percent ?? null])).toEqual([
        [3, 'rollout', 1, 'start', 10],
        [4, 'rollout', 1, 'percent', 25.5],
        [5, 'rollout', 1, 'abort', null],
      ]);
      expect(replay[0].rollout?.offer?.candidate).toEqual({ version: 2, text: 'candidate', variables: {} });
      const audit = await store.listAudit({ limit: 1 });
      expect(audit[0]).toMatchObject({ kind: 'rollout', author: 'guard', apply: 'live', rollout: { id: 'r1', step: 'abort' } });
    });

    it('refuses what makes no rollout: an unknown version or label, the same version, an unknown or foreign rollout', async () => {
      expect(await start({ version: 9 })).toMatchObject({ ok: false, reason: 'version_not_found' });
      expect(await start({ label: 'canary' })).toMatchObject({ ok: false, reason: 'label_not_found', label: 'canary' });
      expect(await start({ version: 1 })).toMatchObject({ ok: false, reason: 'same_version', currentVersion: 1 });
      expect(await start({ key: 'NOPE' })).toMatchObject({ ok: false, reason: 'not_found' });
      expect(await step({ action: 'percent', basisPoints: 100 }, 'missing')).toEqual({ ok: false, reason: 'rollout_not_found' });
      await store.create(aPrompt({ key: 'B' }));
      await start();
      const foreign = await store.stepRollout({
        key: 'B',
        id: 'r1',
        rules: { action: 'abort', reason: 'x' },
        message: null,
        policy: PUBLISHER,
        author: 'x',
      });
      expect(foreign).toEqual({ ok: false, reason: 'rollout_not_found' });
      expect(await store.revision()).toBe(4);
    });

    it('gates a protected label: publish scope for every step, and no candidate with errors unless forced', async () => {
      expect(await start({ policy: EDITOR })).toEqual({ ok: false, reason: 'protected', label: 'production' });
      expect(await start({ hasErrors: true })).toEqual({ ok: false, reason: 'checks_failed', label: 'production' });
      expect(await start({ label: 'staging', policy: EDITOR, hasErrors: true })).toMatchObject({ ok: true });
      await start({ id: 'r2' });
      const editorStep = await store.stepRollout({
        key: 'A',
        id: 'r2',
        rules: { action: 'percent', basisPoints: 5000 },
        message: null,
        policy: EDITOR,
        author: 'ed',
      });
      expect(editorStep).toEqual({ ok: false, reason: 'protected', label: 'production' });
      expect(await step({ action: 'complete', hasErrors: true }, 'r2')).toEqual({ ok: false, reason: 'checks_failed', label: 'production' });
      const forced = await store.stepRollout({
        key: 'A',
        id: 'r2',
        rules: { action: 'complete', hasErrors: true },
        message: null,
        policy: { ...PUBLISHER, force: 'known issue' },
        author: 'ops',
      });
      expect(forced).toMatchObject({ ok: true, rollout: { status: 'completed' } });
      expect(await store.listAudit({ limit: 1 })).toMatchObject([{ forced: 'known issue' }]);
    });

    it('lists the rollouts of a key newest first and finds one by id', async () => {
      await start();
      await step({ action: 'abort', reason: 'no' });
      await start({ id: 'r2' });
      expect((await store.listRollouts('A', 10))?.map((r) => [r.id, r.status])).toEqual([
        ['r2', 'active'],
        ['r1', 'aborted'],
      ]);
      expect(await store.listRollouts('A', 1)).toHaveLength(1);
      expect(await store.listRollouts('NOPE', 10)).toBeUndefined();
      expect(await store.getRollout('r1')).toMatchObject({ id: 'r1', key: 'A', status: 'aborted', reason: 'no' });
      expect(await store.getRollout('missing')).toBeUndefined();
    });

    it("sizes a snapshot and a replay with the candidate's text while the rollout is active", async () => {
      const [snapshot, replay] = [await store.snapshotSize('production'), (await store.replaySize(2)).textBytes];
      await start();
      // 'candidate' (9 bytes) + '{}' (2): the offer; the step itself carries the baseline 'base' + '{}'.
      expect(await store.snapshotSize('production')).toBe(snapshot + 11);
      expect((await store.replaySize(2)).textBytes).toBe(replay + 6 + 11);
      await step({ action: 'abort', reason: 'x' });
      expect(await store.snapshotSize('production')).toBe(snapshot);
      expect((await store.replaySize(2)).textBytes).toBe(replay + 6 + 11 + 6);
    });

    it('keeps a rollout and its offer across close and reopen', async () => {
      await start();
      await store.close();
      store = await h.reopen();
      expect(await store.get('A', 'production')).toMatchObject({ version: 1, rollout: { id: 'r1', percent: 10 } });
      expect(await start({ id: 'r2' })).toMatchObject({ ok: false, reason: 'rollout_active' });
    });
  });
}
