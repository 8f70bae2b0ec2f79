import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { storeTargets, type StoreTargetInstance } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';

/** One write the server acknowledged with a 2xx. */
interface Acknowledged {
  key: string;
  version: number;
  revision: number;
  text: string;
}

const WRITERS = 6;

/**
 * Invariant 4 (docs/architecture.md): a 2xx means the write is committed. The
 * server process is killed with SIGKILL while writes are in flight; after a
 * restart on the same store every acknowledged write is there, with the
 * revision it was given, and the change log has no gap.
 */
describe.each(storeTargets)('durability on $name', (target) => {
  let store: StoreTargetInstance;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    store = await target.create();
  });
  afterEach(async () => {
    await server?.stop();
    await store.cleanup();
  });

  it('keeps every acknowledged write across a kill -9 in the middle of a burst', async () => {
    server = await startServerProcess(store.env);
    const url = server.url;
    const acknowledged: Acknowledged[] = [];
    let killed = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !killed; i++) {
        const text = `writer ${w} write ${i}`;
        const method = i === 0 ? 'POST' : 'PUT';
        const path = i === 0 ? '/api/prompts' : `/api/prompts/K${w}`;
        const body = i === 0 ? { key: `K${w}`, text } : { text };
        try {
          const res = await fetch(`${url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          if (res.ok) acknowledged.push({ ...((await res.json()) as { key: string; version: number; revision: number }), text });
        } catch {
          return; // the process is gone
        }
      }
    };
    const writes = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await waitFor(() => acknowledged.length >= 120, '120 acknowledged writes');
    await server.kill();
    killed = true;
    await Promise.all(writes);

    server = await startServerProcess(store.env);
    for (const a of acknowledged) {
      const res = await fetch(`${server.url}/api/prompts/${a.key}/versions/${a.version}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ key: a.key, version: a.version, revision: a.revision, text: a.text });
    }
    const revisions = (await auditRevisions(server.url)).reverse();
    expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => i + 1));
    expect(revisions.length).toBeGreaterThanOrEqual(acknowledged.length);
  });
});

/** Every revision in the audit trail, newest first, following its pages. */
async function auditRevisions(url: string): Promise<number[]> {
  const revisions: number[] = [];
  for (let before: number | null = null; ;) {
    const page = (await (await fetch(`${url}/api/audit?limit=500${before ? `&before=${before}` : ''}`)).json()) as {
      entries: { revision: number }[];
      next: number | null;
    };
    revisions.push(...page.entries.map((e) => e.revision));
    if (page.next === null) return revisions;
    before = page.next;
  }
}
