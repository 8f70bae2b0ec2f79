import type { PromptStore } from '../src/store/prompt-store.js';
import { aPrompt } from './support/factories.js';

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

    it('starts empty at revision 0', async () => {
      expect(await store.revision()).toBe(0);
      expect(await store.snapshot()).toEqual({ revision: 0, prompts: [] });
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
      expect(await store.get('A')).toMatchObject({ key: 'A', text: 'hello', version: 1, revision: 1 });
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
      expect((await store.get('A'))?.text).toBe('v3');
      expect(await store.revision()).toBe(3);
    });

    it('does not update or delete a key that does not exist', async () => {
      expect(await store.update(aPrompt({ key: 'NOPE' }))).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.remove({ key: 'NOPE', author: 'x' })).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.revision()).toBe(0);
    });

    it('deletes as a change, keeps history, and continues version numbers on re-create', async () => {
      await store.create(aPrompt({ key: 'A', text: 'one' }));
      const del = await store.remove({ key: 'A', author: 'ops' });
      expect(del).toMatchObject({ ok: true, change: { revision: 2, kind: 'delete', version: 1, text: null } });
      expect(await store.get('A')).toBeUndefined();
      expect(await store.listVersions('A', { limit: 10 })).toMatchObject({ total: 1, deleted: true });
      const again = await store.create(aPrompt({ key: 'A', text: 'two' }));
      expect(again).toMatchObject({ ok: true, prompt: { version: 2, revision: 3 } });
    });

    it('lists deleted keys with who deleted them, and forgets them once restored', async () => {
      await store.create(aPrompt({ key: 'B', text: 'b' }));
      await store.create(aPrompt({ key: 'A', text: 'a1' }));
      await store.update(aPrompt({ key: 'A', text: 'a2' }));
      expect(await store.listDeleted()).toEqual([]);
      await store.remove({ key: 'A', author: 'ops' });
      await store.remove({ key: 'B', author: 'eve' });
      expect(await store.listDeleted()).toEqual([
        { key: 'A', version: 2, deletedAt: expect.any(String), deletedBy: 'ops' },
        { key: 'B', version: 1, deletedAt: expect.any(String), deletedBy: 'eve' },
      ]);
      await store.rollback({ key: 'A', toVersion: 1, author: 'ops', message: null });
      expect((await store.listDeleted()).map((d) => d.key)).toEqual(['B']);
    });

    it('rolls back by writing a new version with the old text, and restores a deleted key', async () => {
      await store.create(aPrompt({ key: 'A', text: 'first' }));
      await store.update(aPrompt({ key: 'A', text: 'second' }));
      const rb = await store.rollback({ key: 'A', toVersion: 1, author: 'ops', message: 'undo' });
      expect(rb).toMatchObject({ ok: true, change: { kind: 'rollback', version: 3, revision: 3 }, prompt: { text: 'first', version: 3 } });
      await store.remove({ key: 'A', author: 'ops' });
      expect(await store.rollback({ key: 'A', toVersion: 2, author: 'ops', message: null })).toMatchObject({
        ok: true,
        prompt: { text: 'second', version: 4 },
      });
      expect((await store.get('A'))?.text).toBe('second');
    });

    it('refuses a rollback to a version that does not exist', async () => {
      await store.create(aPrompt({ key: 'A' }));
      expect(await store.rollback({ key: 'A', toVersion: 9, author: 'x', message: null })).toMatchObject({ ok: false, reason: 'version_not_found' });
      expect(await store.rollback({ key: 'B', toVersion: 1, author: 'x', message: null })).toEqual({ ok: false, reason: 'not_found' });
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
      await store.remove({ key: 'B', author: 'x' });
      await store.rollback({ key: 'A', toVersion: 1, author: 'x', message: null });
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
      expect((await store.get('U'))?.text).toBe(text);
    });

    it('keeps every change in the log, gap-free, and never reuses a revision after a refused write', async () => {
      await store.create(aPrompt({ key: 'A' }));
      for (let i = 0; i < 4; i++) await store.update(aPrompt({ key: 'A' }));
      expect((await store.update({ ...aPrompt({ key: 'A' }), ifVersion: 1 })).ok).toBe(false);
      expect((await store.changesAfter(0, 100)).map((c) => c.revision)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.changesAfter(3, 1)).map((c) => c.revision)).toEqual([4]);
      expect((await store.update(aPrompt({ key: 'A' }))).ok && (await store.revision())).toBe(6);
    });

    it('sizes a replay and a snapshot in UTF-8 bytes of text', async () => {
      expect(await store.replaySize(0)).toEqual({ changes: 0, textBytes: 0 });
      expect(await store.snapshotSize()).toBe(0);
      await store.create(aPrompt({ key: 'A', text: 'héllo' }));
      await store.update(aPrompt({ key: 'A', text: '🎙️' }));
      await store.create(aPrompt({ key: 'B', text: 'b' }));
      await store.remove({ key: 'B', author: 'ops' });
      expect(await store.replaySize(0)).toEqual({ changes: 4, textBytes: 6 + 7 + 1 });
      expect(await store.replaySize(1)).toEqual({ changes: 3, textBytes: 7 + 1 });
      expect(await store.snapshotSize()).toBe(7);
    });

    it('records every change in the audit trail with author, address and message, newest first', async () => {
      await store.create(aPrompt({ key: 'A', text: 'a1', author: 'ops', address: '10.0.0.1', message: 'first' }));
      await store.update(aPrompt({ key: 'A', text: 'a2', author: 'eve', address: '::1', message: null }));
      await store.remove({ key: 'A', author: 'ops', address: '10.0.0.2' });
      await store.rollback({ key: 'A', toVersion: 1, author: 'seed', message: 'undo' });
      expect(await store.listAudit({ limit: 10 })).toEqual([
        { revision: 4, key: 'A', kind: 'rollback', version: 3, author: 'seed', address: null, message: 'undo', at: expect.any(String) },
        { revision: 3, key: 'A', kind: 'delete', version: 2, author: 'ops', address: '10.0.0.2', message: null, at: expect.any(String) },
        { revision: 2, key: 'A', kind: 'update', version: 2, author: 'eve', address: '::1', message: null, at: expect.any(String) },
        { revision: 1, key: 'A', kind: 'create', version: 1, author: 'ops', address: '10.0.0.1', message: 'first', at: expect.any(String) },
      ]);
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

    it('keeps everything after close and reopen', async () => {
      await store.create(aPrompt({ key: 'A', text: 'durable' }));
      await store.update(aPrompt({ key: 'A', text: 'still here' }));
      await store.close();
      store = await h.reopen();
      expect(await store.revision()).toBe(2);
      expect(await store.get('A')).toMatchObject({ text: 'still here', version: 2, revision: 2 });
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
