import { labelView } from '../src/store/label-view.js';
import type { PromptStore, RemoveInput } from '../src/store/prompt-store.js';
import { AN_ERROR, aPrompt, EDITOR, NO_FINDINGS, PUBLISHER } from './support/factories.js';

export interface StoreHarness {
  /** A fresh, initialised, empty store. */
  open(): Promise<PromptStore>;
  /** A second handle on the same data as the last opened store (after it was closed). */
  reopen(): Promise<PromptStore>;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every PromptStore must have. Run unchanged against each
 * implementation: `describeStoreContract('sqlite', harness)`.
 */
export function describeStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`PromptStore contract: ${name}`, () => {
    let h: StoreHarness;
    let store: PromptStore;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
    });
    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    const get = (key: string, label = 'production') => store.get(key, label);
    const view = async (label = 'production', keys?: string[]) => labelView(await store.labelSnapshot(label), keys && new Set(keys));
    const remove = (key: string, author: string, extra: Partial<RemoveInput> = {}) => store.remove({ key, author, policy: PUBLISHER, ...extra });
    const rollback = (key: string, version: number, author: string, message: string | null = null) =>
      store.moveLabel({ key, label: 'production', version, kind: 'rollback', author, message, policy: PUBLISHER, hasErrors: false });

    it('starts empty at revision 0', async () => {
      expect(await store.revision()).toBe(0);
      expect(await view()).toEqual({ revision: 0, prompts: [] });
      expect(await store.changesAfter(0, 10)).toEqual([]);
    });

    it('answers a ping with its schema at the latest migration, and fails it once closed', async () => {
      const ping = await store.ping();
      expect(ping.schemaVersion).toBeGreaterThan(0);
      expect(ping.schemaVersion).toBe(ping.latestSchemaVersion);
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });

    it('creates version 1 and assigns the next global revision', async () => {
      const out = await store.create(aPrompt({ key: 'A', text: 'hello' }));
      expect(out).toMatchObject({ ok: true, change: { revision: 1, key: 'A', kind: 'create', version: 1, text: 'hello' } });
      expect(await get('A')).toMatchObject({ key: 'A', text: 'hello', version: 1, revision: 1 });
      expect(await store.revision()).toBe(1);
    });

    it('refuses to create a key that exists, writing nothing', async () => {
      await store.create(aPrompt({ key: 'A' }));
      expect(await store.create(aPrompt({ key: 'A' }))).toEqual({ ok: false, reason: 'exists', currentVersion: 1 });
      expect(await store.revision()).toBe(1);
    });

    it('updates with and without a version precondition', async () => {
      await store.create(aPrompt({ key: 'A' }));
      expect(await store.update({ ...aPrompt({ key: 'A', text: 'v2' }) })).toMatchObject({ ok: true, prompt: { version: 2 } });
      expect(await store.update({ ...aPrompt({ key: 'A', text: 'v3' }), ifVersion: 2 })).toMatchObject({ ok: true, prompt: { version: 3 } });
      expect(await store.update({ ...aPrompt({ key: 'A', text: 'lost' }), ifVersion: 2 })).toEqual({ ok: false, reason: 'stale', currentVersion: 3 });
      expect((await get('A'))?.text).toBe('v3');
      expect(await store.revision()).toBe(3);
    });

    it('does not update or delete a key that does not exist', async () => {
      expect(await store.update(aPrompt({ key: 'NOPE' }))).toEqual({ ok: false, reason: 'not_found' });
      expect(await remove('NOPE', 'x')).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.revision()).toBe(0);
    });

    it('deletes as a change, keeps history, and continues version numbers on re-create', async () => {
      await store.create(aPrompt({ key: 'A', text: 'one' }));
      const del = await remove('A', 'ops');
      expect(del).toMatchObject({ ok: true, change: { revision: 2, kind: 'delete', version: 1, text: null } });
      expect(await get('A')).toBeUndefined();
      expect(await store.listVersions('A', { limit: 10 })).toMatchObject({ total: 1, deleted: true });
      const again = await store.create(aPrompt({ key: 'A', text: 'two' }));
      expect(again).toMatchObject({ ok: true, prompt: { version: 2, revision: 3 } });
    });

    it('lists deleted keys with who deleted them, and forgets them once restored', async () => {
      await store.create(aPrompt({ key: 'B', text: 'b' }));
      await store.create(aPrompt({ key: 'A', text: 'a1' }));
      await store.update(aPrompt({ key: 'A', text: 'a2' }));
      expect(await store.listDeleted()).toEqual([]);
      await remove('A', 'ops');
      await remove('B', 'eve');
      expect(await store.listDeleted()).toEqual([
        { key: 'A', version: 2, deletedAt: expect.any(String), deletedBy: 'ops' },
        { key: 'B', version: 1, deletedAt: expect.any(String), deletedBy: 'eve' },
      ]);
      await rollback('A', 1, 'ops');
      expect((await store.listDeleted()).map((d) => d.key)).toEqual(['B']);
    });

    it('offers the version production served before the delete for a restore, not a newer draft', async () => {
      await store.create(aPrompt({ key: 'A', text: 'live' }));
      await store.update(aPrompt({ key: 'A', text: 'draft', labels: [] }));
      await remove('A', 'ops');
      expect(await store.listDeleted()).toEqual([{ key: 'A', version: 1, deletedAt: expect.any(String), deletedBy: 'ops' }]);
    });

    it('rolls back by pointing production at the old version (no new version), and restores a deleted key', async () => {
      await store.create(aPrompt({ key: 'A', text: 'first' }));
      await store.update(aPrompt({ key: 'A', text: 'second' }));
      const rb = await rollback('A', 1, 'ops', 'undo');
      expect(rb).toMatchObject({
        ok: true,
        change: { kind: 'rollback', version: 1, revision: 3, moves: [{ label: 'production', from: 2, to: 1 }] },
        prompt: { text: 'first', version: 1 },
      });
      await remove('A', 'ops');
      expect(await rollback('A', 2, 'ops')).toMatchObject({ ok: true, prompt: { text: 'second', version: 2 } });
      expect((await get('A'))?.text).toBe('second');
      expect((await store.listVersions('A', { limit: 10 }))?.total).toBe(2);
    });

    it('refuses a rollback to a version that does not exist', async () => {
      await store.create(aPrompt({ key: 'A' }));
      expect(await rollback('A', 9, 'x')).toMatchObject({ ok: false, reason: 'version_not_found' });
      expect(await rollback('B', 1, 'x')).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.revision()).toBe(1);
    });

    it('pages versions newest first with a cursor', async () => {
      await store.create(aPrompt({ key: 'A', text: 'v1' }));
      for (let i = 2; i <= 5; i++) await store.update(aPrompt({ key: 'A', text: `v${i}` }));
      const first = await store.listVersions('A', { limit: 2 });
      expect(first?.versions.map((v) => v.version)).toEqual([5, 4]);
      expect(first?.total).toBe(5);
      const next = await store.listVersions('A', { limit: 2, before: 4 });
      expect(next?.versions.map((v) => v.version)).toEqual([3, 2]);
      expect(await store.listVersions('NOPE', { limit: 2 })).toBeUndefined();
      expect(await store.getVersion('A', 2)).toMatchObject({ text: 'v2', version: 2 });
      expect(await store.getVersion('A', 99)).toBeUndefined();
    });

    it('keeps revisions strictly increasing across every kind of change, in the change log', async () => {
      await store.create(aPrompt({ key: 'A', text: 'a1' }));
      await store.create(aPrompt({ key: 'B', text: 'b1' }));
      await store.update(aPrompt({ key: 'A', text: 'a2' }));
      await remove('B', 'x');
      await rollback('A', 1, 'x');
      const log = await store.changesAfter(0, 100);
      expect(log.map((c) => [c.revision, c.key, c.kind, c.text])).toEqual([
        [1, 'A', 'create', 'a1'],
        [2, 'B', 'create', 'b1'],
        [3, 'A', 'update', 'a2'],
        [4, 'B', 'delete', null],
        [5, 'A', 'rollback', 'a1'],
      ]);
      expect((await store.changesAfter(3, 1)).map((c) => c.revision)).toEqual([4]);
    });

    it('serialises concurrent conditional updates: exactly one wins', async () => {
      await store.create(aPrompt({ key: 'A' }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.update({ ...aPrompt({ key: 'A', text: `racer ${i}` }), ifVersion: 1 })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'stale')).toHaveLength(9);
      expect(await store.revision()).toBe(2);
    });

    it('stores any Unicode text unchanged', async () => {
      const text = 'Ünïcödé 🎙️ 日本語 \u202e RTL \n\t "quotes" \'; DROP TABLE prompts; --';
      await store.create(aPrompt({ key: 'U', text }));
      expect((await get('U'))?.text).toBe(text);
    });

    it('keeps every change in the log, gap-free, and never reuses a revision after a refused write', async () => {
      await store.create(aPrompt({ key: 'A' }));
      for (let i = 0; i < 4; i++) await store.update(aPrompt({ key: 'A' }));
      expect((await store.update({ ...aPrompt({ key: 'A' }), ifVersion: 1 })).ok).toBe(false);
      expect((await store.changesAfter(0, 100)).map((c) => c.revision)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.changesAfter(3, 1)).map((c) => c.revision)).toEqual([4]);
      expect((await store.update(aPrompt({ key: 'A' }))).ok && (await store.revision())).toBe(6);
    });

    it('sizes a replay and a snapshot in UTF-8 bytes of text and variables', async () => {
      expect(await store.replaySize(0)).toEqual({ changes: 0, textBytes: 0 });
      expect(await store.snapshotSize('production')).toBe(0);
      await store.create(aPrompt({ key: 'A', text: 'héllo' }));
      await store.update(aPrompt({ key: 'A', text: '🎙️', variables: { n: {} } }));
      await store.create(aPrompt({ key: 'B', text: 'b' }));
      await remove('B', 'ops');
      // Variables are stored as JSON: `{}` is 2 bytes, `{"n":{}}` 8.
      expect(await store.replaySize(0)).toEqual({ changes: 4, textBytes: 6 + 2 + 7 + 8 + 1 + 2 });
      expect(await store.replaySize(1)).toEqual({ changes: 3, textBytes: 7 + 8 + 1 + 2 });
      expect(await store.snapshotSize('production')).toBe(7 + 8);
    });

    it('records every change in the audit trail with author, address and message, newest first', async () => {
      await store.create(aPrompt({ key: 'A', text: 'a1', author: 'ops', address: '10.0.0.1', message: 'first' }));
      await store.update(aPrompt({ key: 'A', text: 'a2', author: 'eve', address: '::1', message: null }));
      await remove('A', 'ops', { address: '10.0.0.2' });
      await rollback('A', 1, 'seed', 'undo');
      const at = expect.any(String) as string;
      const production = (from: number | null, to: number | null) => [{ label: 'production', from, to }];
      expect(await store.listAudit({ limit: 10 })).toEqual([
        {
          revision: 4,
          key: 'A',
          kind: 'rollback',
          version: 1,
          author: 'seed',
          address: null,
          message: 'undo',
          at,
          moves: production(null, 1),
          forced: null,
        },
        {
          revision: 3,
          key: 'A',
          kind: 'delete',
          version: 2,
          author: 'ops',
          address: '10.0.0.2',
          message: null,
          at,
          moves: production(2, null),
          forced: null,
        },
        {
          revision: 2,
          key: 'A',
          kind: 'update',
          version: 2,
          author: 'eve',
          address: '::1',
          message: null,
          at,
          moves: production(1, 2),
          forced: null,
        },
        {
          revision: 1,
          key: 'A',
          kind: 'create',
          version: 1,
          author: 'ops',
          address: '10.0.0.1',
          message: 'first',
          at,
          moves: production(null, 1),
          forced: null,
        },
      ]);
    });

    it("keeps each version's variables and checks, and serves the variables with it everywhere", async () => {
      const variables = { caller_name: { description: 'who' }, tone: { default: 'warm' } };
      await store.create(aPrompt({ key: 'A', text: 'Hi {{caller_name}}', variables, checks: AN_ERROR, labels: [] }));
      await store.update(aPrompt({ key: 'A', text: 'Hi', checks: NO_FINDINGS }));
      expect(await store.getVersion('A', 1)).toMatchObject({ variables, checks: AN_ERROR });
      expect(await store.getVersion('A', 2)).toMatchObject({ variables: {}, checks: NO_FINDINGS });
      expect((await store.listVersions('A', { limit: 5 }))?.versions.map((v) => v.checks)).toEqual([
        { errors: 0, warnings: 0 },
        { errors: 1, warnings: 0 },
      ]);
      await store.moveLabel({
        key: 'A',
        label: 'staging',
        version: 1,
        kind: 'label',
        author: 'x',
        message: null,
        policy: PUBLISHER,
        hasErrors: true,
      });
      expect(await get('A', 'staging')).toMatchObject({ version: 1, variables });
      expect((await view('staging')).prompts[0].variables).toEqual(variables);
      expect((await store.changesAfter(0, 10)).map((c) => c.variables)).toEqual([variables, {}, variables]);
    });

    it('gates a protected label on checks: no move to a version with errors unless forced, and the audit row keeps the reason', async () => {
      await store.create(aPrompt({ key: 'A', text: 'ok' }));
      const before = await store.revision();
      expect(await store.update(aPrompt({ key: 'A', text: 'Hi {{x}}', checks: AN_ERROR }))).toEqual({
        ok: false,
        reason: 'checks_failed',
        label: 'production',
      });
      expect(await store.revision()).toBe(before);
      await store.update(aPrompt({ key: 'A', text: 'Hi {{x}}', checks: AN_ERROR, labels: ['staging'] }));
      const move = (policy: typeof PUBLISHER) =>
        store.moveLabel({ key: 'A', label: 'production', version: 2, kind: 'label', author: 'ops', message: null, policy, hasErrors: true });
      expect(await move(PUBLISHER)).toEqual({ ok: false, reason: 'checks_failed', label: 'production' });
      expect(await move(EDITOR)).toEqual({ ok: false, reason: 'protected', label: 'production' });
      expect(await move({ ...PUBLISHER, force: 'hotfix approved by Ada' })).toMatchObject({ ok: true, change: { version: 2 } });
      expect((await store.listAudit({ limit: 1 }))[0]).toMatchObject({ kind: 'label', forced: 'hotfix approved by Ada' });
      // Removing a label publishes nothing: never gated.
      expect(await store.removeLabel({ key: 'A', label: 'staging', author: 'ops', message: null, policy: PUBLISHER })).toMatchObject({ ok: true });
    });

    it('pages and filters the audit trail', async () => {
      await store.create(aPrompt({ key: 'A', author: 'ops' }));
      await store.create(aPrompt({ key: 'B', author: 'eve' }));
      for (let i = 0; i < 3; i++) await store.update(aPrompt({ key: 'A', author: i % 2 ? 'eve' : 'ops' }));
      const revisions = async (q: Parameters<PromptStore['listAudit']>[0]) => (await store.listAudit(q)).map((e) => e.revision);
      expect(await revisions({ limit: 2 })).toEqual([5, 4]);
      expect(await revisions({ limit: 2, before: 4 })).toEqual([3, 2]);
      expect(await revisions({ limit: 10, key: 'A' })).toEqual([5, 4, 3, 1]);
      expect(await revisions({ limit: 10, author: 'eve' })).toEqual([4, 2]);
      expect(await revisions({ limit: 10, key: 'B', author: 'ops' })).toEqual([]);
      expect(await revisions({ limit: 10, key: "A' OR '1'='1" })).toEqual([]);
    });

    it('saves a draft that moves no label: production and its view revision stay where they were', async () => {
      await store.create(aPrompt({ key: 'A', text: 'live' }));
      const draft = await store.update(aPrompt({ key: 'A', text: 'draft', labels: [] }));
      expect(draft).toMatchObject({ ok: true, change: { kind: 'update', version: 2, revision: 2, moves: [], text: 'draft' } });
      expect(await get('A')).toMatchObject({ text: 'live', version: 1 });
      expect(await view()).toMatchObject({ revision: 1, prompts: [{ key: 'A', version: 1 }] });
      expect(await store.viewRevision('production')).toBe(1);
      expect(await store.revision()).toBe(2);
      expect((await store.listVersions('A', { limit: 10 }))?.versions.map((v) => [v.version, v.labels])).toEqual([
        [2, []],
        [1, ['production']],
      ]);
    });

    it('points labels at versions: each label has its own view, revision and ETag', async () => {
      await store.create(aPrompt({ key: 'A', text: 'a1', labels: ['production', 'staging'] }));
      await store.create(aPrompt({ key: 'B', text: 'b1' }));
      await store.update(aPrompt({ key: 'A', text: 'a2', labels: ['staging'] }));
      expect(await view('staging')).toMatchObject({ revision: 3, prompts: [{ key: 'A', version: 2, text: 'a2' }] });
      expect(await view('production')).toMatchObject({
        revision: 2,
        prompts: [
          { key: 'A', version: 1 },
          { key: 'B', version: 1 },
        ],
      });
      expect(await view('production', ['A'])).toMatchObject({ revision: 1 });
      expect(await store.viewRevision('production', new Set(['A']))).toBe(1);
      expect(await store.viewRevision('staging')).toBe(3);
      expect(await store.viewRevision('canary')).toBe(0);
      const moved = await store.moveLabel({
        key: 'A',
        label: 'production',
        version: 2,
        kind: 'label',
        author: 'ops',
        message: 'promote',
        policy: PUBLISHER,
        hasErrors: false,
      });
      expect(moved).toMatchObject({
        ok: true,
        change: { revision: 4, kind: 'label', version: 2, text: 'a2', moves: [{ label: 'production', from: 1, to: 2 }] },
      });
      expect(await get('A')).toMatchObject({ version: 2, text: 'a2' });
      expect((await store.listLabels('A'))?.map((l) => [l.label, l.version, l.revision])).toEqual([
        ['production', 2, 4],
        ['staging', 2, 3],
      ]);
      expect(await store.labelIndex()).toEqual([
        { key: 'A', head: 2, deleted: false, labels: { production: 2, staging: 2 } },
        { key: 'B', head: 1, deleted: false, labels: { production: 1 } },
      ]);
      expect(await store.labelIndex('B')).toEqual([{ key: 'B', head: 1, deleted: false, labels: { production: 1 } }]);
      expect(await store.labelIndex('NOPE')).toEqual([]);
    });

    it('moves a label only where it is asked: nothing for the same version, 412 for a stale If-Match, 404 for a missing version', async () => {
      await store.create(aPrompt({ key: 'A', text: 'a1', labels: ['staging'] }));
      await store.update(aPrompt({ key: 'A', text: 'a2', labels: [] }));
      const move = (version: number, ifVersion?: number) =>
        store.moveLabel({
          key: 'A',
          label: 'staging',
          version,
          kind: 'label',
          author: 'ops',
          message: null,
          policy: PUBLISHER,
          ifVersion,
          hasErrors: false,
        });
      expect(await move(1)).toMatchObject({ ok: true, change: null, prompt: { version: 1 } });
      expect(await move(2, 2)).toEqual({ ok: false, reason: 'stale', currentVersion: 1, label: 'staging' });
      expect(await move(9)).toMatchObject({ ok: false, reason: 'version_not_found' });
      expect(await store.revision()).toBe(2);
      expect(await move(2, 1)).toMatchObject({ ok: true, change: { revision: 3 } });
    });

    it('keeps protected labels for callers that may publish, and writes nothing for the others', async () => {
      const editor = { protectedLabels: ['production'], mayPublish: false };
      expect(await store.create(aPrompt({ key: 'A', policy: editor }))).toEqual({ ok: false, reason: 'protected', label: 'production' });
      expect(await store.create(aPrompt({ key: 'A', text: 'draft', labels: [], policy: editor }))).toMatchObject({ ok: true });
      expect(await store.create(aPrompt({ key: 'B', labels: ['staging'], policy: editor }))).toMatchObject({ ok: true });
      const promote = await store.moveLabel({
        key: 'B',
        label: 'production',
        version: 1,
        kind: 'label',
        author: 'ed',
        message: null,
        policy: editor,
        hasErrors: false,
      });
      expect(promote).toEqual({ ok: false, reason: 'protected', label: 'production' });
      expect(await store.revision()).toBe(2);
    });

    it('removes a label as a change, but never production from a live key; a delete removes them all', async () => {
      await store.create(aPrompt({ key: 'A', labels: ['production', 'staging'] }));
      const unlabel = (label: string) => store.removeLabel({ key: 'A', label, author: 'ops', message: null, policy: PUBLISHER });
      expect(await unlabel('production')).toEqual({ ok: false, reason: 'default_label_required', label: 'production' });
      expect(await unlabel('canary')).toEqual({ ok: false, reason: 'label_not_found', label: 'canary' });
      expect(await unlabel('staging')).toMatchObject({
        ok: true,
        change: { kind: 'unlabel', version: 1, text: null, moves: [{ label: 'staging', from: 1, to: null }] },
      });
      expect(await view('staging')).toEqual({ revision: 2, prompts: [] });
      await store.update(aPrompt({ key: 'A', labels: ['staging'] }));
      const del = await remove('A', 'ops');
      expect(del).toMatchObject({
        ok: true,
        change: {
          kind: 'delete',
          revision: 4,
          moves: [
            { label: 'production', to: null },
            { label: 'staging', to: null },
          ],
        },
      });
      expect(await view('staging')).toEqual({ revision: 4, prompts: [] });
      expect(await view('production')).toEqual({ revision: 4, prompts: [] });
    });

    it('keeps everything after close and reopen', async () => {
      await store.create(aPrompt({ key: 'A', text: 'durable' }));
      await store.update(aPrompt({ key: 'A', text: 'still here' }));
      await store.close();
      store = await h.reopen();
      expect(await store.revision()).toBe(2);
      expect(await get('A')).toMatchObject({ text: 'still here', version: 2, revision: 2 });
    });

    it('remembers a revoked session, across reopen, without touching the revision; revoking twice is harmless', async () => {
      const now = Date.now();
      expect(await store.isSessionRevoked('session-a')).toBe(false);
      await store.revokeSession('session-a', now + 60_000, now);
      await store.revokeSession('session-a', now + 60_000, now);
      expect(await store.isSessionRevoked('session-a')).toBe(true);
      expect(await store.isSessionRevoked('session-b')).toBe(false);
      expect(await store.revision()).toBe(0);
      await store.close();
      store = await h.reopen();
      expect(await store.isSessionRevoked('session-a')).toBe(true);
    });

    it('forgets revocations whose sessions have expired when it records the next one', async () => {
      const now = Date.now();
      await store.revokeSession('expires-soon', now + 1_000, now);
      await store.revokeSession('expires-later', now + 60_000, now);
      // A minute on: the first cookie has expired by itself, so its revocation is dead weight.
      await store.revokeSession('new', now + 120_000, now + 2_000);
      expect(await store.isSessionRevoked('expires-soon')).toBe(false);
      expect(await store.isSessionRevoked('expires-later')).toBe(true);
      expect(await store.isSessionRevoked('new')).toBe(true);
    });
  });
}
