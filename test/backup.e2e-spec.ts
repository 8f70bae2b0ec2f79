import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/cli-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './support/postgres.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { readEvents } from './support/sse.js';
import { tempDir } from './support/temp-dir.js';

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

/** A history with every kind of change: creates, drafts, label moves and removals, a forced publish, a delete and a restore. */
async function makeHistory(server: ServerProcess): Promise<void> {
  await call(server, 'POST', '/api/prompts', {
    key: 'GREETING',
    text: 'Hello  \r\nthere 👋',
    variables: { name: { default: 'you' } },
    message: 'first',
  });
  await call(
    server,
    'PUT',
    '/api/prompts/GREETING',
    { text: 'Hi {{name}}', labels: ['staging'], variables: { name: { description: 'caller' } } },
    { 'If-Match': '"1"' },
  );
  await call(server, 'PUT', '/api/prompts/GREETING/labels/production', { version: 2, message: 'ship' }, { 'If-Match': '"1"' });
  await call(server, 'PUT', '/api/prompts/GREETING', { text: 'draft {{who}}', labels: [] }, { 'If-Match': '"2"' });
  await call(server, 'PUT', '/api/prompts/GREETING/labels/canary', { version: 3, force: true, reason: 'try it' });
  await call(server, 'DELETE', '/api/prompts/GREETING/labels/canary');
  await call(server, 'POST', '/api/prompts', { key: 'GONE', text: 'bye' });
  await call(server, 'DELETE', '/api/prompts/GONE', undefined, { 'If-Match': '"1"' });
  await call(server, 'POST', '/api/prompts', { key: 'BACK', text: 'b1' });
  await call(server, 'DELETE', '/api/prompts/BACK');
  await call(server, 'POST', '/api/prompts/BACK/rollback', { version: 1 });
}

/** Every line of an export but the moment it was taken. */
function records(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map(({ exportedAt: _, ...rest }) => rest);
}

// The servers run open (loopback, every caller an admin); who may export and import is in test/roles.e2e-spec.ts.
// Each test starts server and CLI processes; on a loaded machine that takes a while.
jest.setTimeout(120_000);

describe('export and import of the whole store (GET /api/admin/export, POST /api/admin/import, promptcast export/import)', () => {
  const work = tempDir();
  let source: ServerProcess;
  const cli = (server: ServerProcess, ...args: string[]) => runCli(args, { url: server.url, cwd: work.path });

  beforeAll(async () => {
    source = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'source.db') });
    await makeHistory(source);
  }, 120_000);
  afterAll(async () => {
    await source.stop();
    work.remove();
  });

  it('exports every record once, meta first and end last, and an import into an empty SQLite store reproduces it exactly', async () => {
    const file = join(work.path, 'sqlite.ndjson');
    const exported = await cli(source, 'export', file);
    expect(exported.code).toBe(0);
    const lines = records(file) as { type: string }[];
    expect(lines[0]).toMatchObject({ type: 'meta', revision: 11 });
    expect(lines.at(-1)).toEqual({ type: 'end', records: lines.length - 2 });
    expect(lines.filter((l) => l.type === 'audit')).toHaveLength(11);
    expect(lines.filter((l) => l.type === 'version')).toHaveLength(5);

    const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'copy.db') });
    try {
      expect((await cli(target, 'import', file)).code).toBe(0);
      const again = join(work.path, 'copy.ndjson');
      await cli(target, 'export', again);
      expect(records(again)).toEqual(records(file));
      // The revision high-water mark came along: the next change gets the next revision.
      const saved = await call(target, 'PUT', '/api/prompts/GREETING', { text: 'next', labels: [] }, { 'If-Match': '"3"' });
      expect(saved.revision).toBe(12);
    } finally {
      await target.stop();
    }
  });

  it('refuses to import into a store that is not empty (409, exit 1), and writes nothing', async () => {
    const file = join(work.path, 'again.ndjson');
    await cli(source, 'export', file);
    const refused = await cli(source, 'import', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/409 the store is not empty/);
    const after = join(work.path, 'after.ndjson');
    await cli(source, 'export', after);
    expect(records(after)).toEqual(records(file));
  });

  it('--merge adds keys the store never had after its own history, and refuses keys it has', async () => {
    const file = join(work.path, 'merge.ndjson');
    await cli(source, 'export', file);
    const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'merge.db') });
    try {
      await call(target, 'POST', '/api/prompts', { key: 'OTHER', text: 'mine' });
      const merged = await cli(target, '--json', 'import', file, '--merge');
      expect(merged.code).toBe(0);
      expect(JSON.parse(merged.stdout)).toEqual({ revision: 12, keys: 3, versions: 5, labels: expect.any(Number), audit: 11, rollouts: 0 });
      const greeting = await call(target, 'GET', '/api/prompts/GREETING');
      expect(greeting).toMatchObject({ text: 'Hi {{name}}', version: 2, author: 'anonymous' });
      const audit = (await call(target, 'GET', '/api/audit?limit=500')).entries as { revision: number; key: string }[];
      expect(audit.map((e) => e.revision)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const again = await cli(target, 'import', file, '--merge');
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already has BACK, GONE, GREETING/);
    } finally {
      await target.stop();
    }
  });

  it('refuses a cut-off file (no end record) and a file whose end count is wrong, writing nothing', async () => {
    const file = join(work.path, 'cut.ndjson');
    await cli(source, 'export', file);
    const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'cut.db') });
    try {
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      writeFileSync(join(work.path, 'short.ndjson'), `${lines.slice(0, -1).join('\n')}\n`);
      const cut = await cli(target, 'import', join(work.path, 'short.ndjson'));
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(/cut off/);
      writeFileSync(join(work.path, 'miscount.ndjson'), [...lines.slice(0, 3), lines.at(-1)].join('\n'));
      expect((await cli(target, 'import', join(work.path, 'miscount.ndjson'))).stderr).toMatch(/end says \d+ records, the file has 2/);
      const empty = await call(target, 'GET', '/api/audit');
      expect(empty.entries).toEqual([]);
    } finally {
      await target.stop();
    }
  });

  describePostgres('from SQLite to PostgreSQL', () => {
    let db: TestDatabase;
    let target: ServerProcess;
    beforeAll(async () => {
      db = await createTestDatabase();
      target = await startServerProcess({ DATABASE_URL: db.url });
    }, 120_000);
    afterAll(async () => {
      await target.stop();
      await db.drop();
    });

    it('export from SQLite → import into PostgreSQL: every version, label and audit entry equal, and the revisions go on from the same mark', async () => {
      const file = join(work.path, 'to-pg.ndjson');
      await cli(source, 'export', file);
      expect((await cli(target, 'import', file)).code).toBe(0);
      const back = join(work.path, 'from-pg.ndjson');
      expect((await cli(target, 'export', back)).code).toBe(0);
      expect(records(back)).toEqual(records(file));
      // Through the API too: the audit trail and a label's view read the same on both.
      expect(await call(target, 'GET', '/api/audit?limit=500')).toEqual(await call(source, 'GET', '/api/audit?limit=500'));
      expect(await call(target, 'GET', '/api/prompts?label=staging')).toEqual(await call(source, 'GET', '/api/prompts?label=staging'));
      const saved = await call(target, 'PUT', '/api/prompts/BACK', { text: 'on postgres', labels: [] }, { 'If-Match': '"1"' });
      expect(saved.revision).toBe((records(file)[0] as { revision: number }).revision + 1);
    });
  });

  describe("with rollouts (format 2: rollout records, the audit records' rollout fields)", () => {
    let withRollouts: ServerProcess;
    const file = join(work.path, 'rollouts.ndjson');
    const ids: Record<string, string> = {};

    /** An active rollout, a completed one and an aborted one, each driven through the REST API. */
    async function makeRollouts(server: ServerProcess): Promise<void> {
      for (const key of ['ACTIVE', 'DONE', 'STOPPED']) {
        await call(server, 'POST', '/api/prompts', { key, text: `${key} one`, labels: ['production'] });
        await call(server, 'PUT', `/api/prompts/${key}`, { text: `${key} two {{x}}`, labels: [], variables: { x: { default: 'y' } } });
      }
      const start = async (key: string, body: Record<string, unknown>) =>
        (await call(server, 'POST', `/api/prompts/${key}/rollouts`, { version: 2, ...body })).id as string;
      ids.ACTIVE = await start('ACTIVE', { percent: 10, apply: 'next-session', guard: { metric: 'errors', maxIncrease: 0.05, minSessions: 20 } });
      await call(server, 'PATCH', `/api/prompts/ACTIVE/rollouts/${ids.ACTIVE}`, { percent: 37.5 });
      ids.DONE = await start('DONE', { percent: 50 });
      await call(server, 'POST', `/api/prompts/DONE/rollouts/${ids.DONE}/complete`, {});
      ids.STOPPED = await start('STOPPED', { percent: 5 });
      await call(server, 'POST', `/api/prompts/STOPPED/rollouts/${ids.STOPPED}/abort`, { reason: 'callers confused' });
    }

    const lines = (): Record<string, unknown>[] => records(file) as Record<string, unknown>[];
    const write = (name: string, body: Record<string, unknown>[]): string => {
      const path = join(work.path, name);
      writeFileSync(path, `${body.map((r) => JSON.stringify(r)).join('\n')}\n`);
      return path;
    };
    /** The export with one record changed (or dropped), the end count kept right. */
    const edited = (name: string, change: (r: Record<string, unknown>) => Record<string, unknown> | null): string => {
      const rows = lines()
        .slice(1, -1)
        .map(change)
        .filter((r): r is Record<string, unknown> => r !== null);
      return write(name, [{ ...lines()[0], exportedAt: '2026-01-01T00:00:00.000Z' }, ...rows, { type: 'end', records: rows.length }]);
    };
    const views = async (server: ServerProcess) => ({
      rollouts: await Promise.all(['ACTIVE', 'DONE', 'STOPPED'].map((k) => call(server, 'GET', `/api/prompts/${k}/rollouts`))),
      audit: await call(server, 'GET', '/api/audit?limit=500'),
      production: await call(server, 'GET', '/api/prompts?label=production'),
    });
    const replay = async (server: ServerProcess, n: number) =>
      (await readEvents(`${server.url}/api/prompts/stream?label=production`, n, { headers: { 'Last-Event-ID': '0' } })).map((e) => ({
        id: e.id,
        event: e.event,
        data: e.data,
      }));

    beforeAll(async () => {
      withRollouts = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'rollouts.db') });
      await makeRollouts(withRollouts);
      expect((await cli(withRollouts, 'export', file)).code).toBe(0);
    }, 120_000);
    afterAll(() => withRollouts.stop());

    it("exports every rollout with its history, and each rollout step's audit record names the rollout, the step, the candidate and the basis points", () => {
      const all = lines();
      expect(all[0]).toMatchObject({ type: 'meta', formatVersion: 2 });
      const rollouts = all.filter((l) => l.type === 'rollout');
      expect(rollouts.map((r) => [r.id, r.status, r.basisPoints])).toEqual(
        expect.arrayContaining([
          [ids.ACTIVE, 'active', 3750],
          [ids.DONE, 'completed', 10_000],
          [ids.STOPPED, 'aborted', 0],
        ]),
      );
      expect(rollouts).toHaveLength(3);
      const raised = all.find((l) => l.type === 'audit' && l.rollout === ids.ACTIVE && l.rolloutStep === 'percent');
      expect(raised).toMatchObject({ kind: 'rollout', rolloutCandidate: 2, rolloutBasisPoints: 3750 });
    });

    it('SQLite → SQLite: the re-export is the same file', async () => {
      const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'rollouts-copy.db') });
      try {
        expect((await cli(target, 'import', file)).code).toBe(0);
        const again = join(work.path, 'rollouts-copy.ndjson');
        await cli(target, 'export', again);
        expect(records(again)).toEqual(records(file));
        expect(await views(target)).toEqual(await views(withRollouts));
      } finally {
        await target.stop();
      }
    });

    it('a format 1 file (no rollout fields) still imports, its rollout fields null', async () => {
      const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'v1.db') });
      try {
        const old = join(work.path, 'v1.ndjson');
        await cli(source, 'export', old);
        const v1 = records(old).map((r) => {
          const { apply: _a, rollout: _r, rolloutStep: _s, rolloutCandidate: _c, rolloutBasisPoints: _b, ...rest } = r as Record<string, unknown>;
          return rest.type === 'meta' ? { ...rest, formatVersion: 1, exportedAt: '2026-01-01T00:00:00.000Z' } : rest;
        });
        expect((await cli(target, 'import', write('v1-stripped.ndjson', v1))).code).toBe(0);
        const again = join(work.path, 'v1-again.ndjson');
        await cli(target, 'export', again);
        expect(records(again).slice(1)).toEqual(records(old).slice(1));
      } finally {
        await target.stop();
      }
    });

    const badCases: [string, () => string, RegExp][] = [
      ['a rollout with no history', () => edited('bad-history.ndjson', (r) => (r.type === 'rollout' ? { ...r, history: [] } : r)), /history must be/],
      [
        'a rollout with 10001 basis points',
        () => edited('bad-bp.ndjson', (r) => (r.type === 'rollout' ? { ...r, basisPoints: 10_001 } : r)),
        /basisPoints/,
      ],
      [
        'a rollout whose candidate is not in the file',
        () => edited('bad-cand.ndjson', (r) => (r.type === 'rollout' ? { ...r, candidate: 9 } : r)),
        /version 9 of \w+ is not in the file/,
      ],
      [
        'a rollout listed twice',
        () => edited('bad-twice.ndjson', (r) => (r.type === 'rollout' ? { ...r, id: 'same' } : r)),
        /rollout same is listed twice/,
      ],
      [
        'a rollout step naming no rollout record',
        () => edited('bad-step.ndjson', (r) => (r.type === 'rollout' && r.id === ids.DONE ? null : r)),
        /has no rollout record/,
      ],
      [
        'an audit step with a half-set rollout',
        () => edited('bad-half.ndjson', (r) => (r.type === 'audit' && r.rollout ? { ...r, rolloutStep: 'sideways' } : r)),
        /rolloutStep must be one of/,
      ],
    ];

    it.each(badCases)('SQLite refuses %s (exit 1, a 400 naming it) and writes nothing', async (_name, make, message) => {
      const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, `bad-${_name.length}-${Date.now()}.db`) });
      try {
        const refused = await cli(target, 'import', make());
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/400/);
        expect(refused.stderr).toMatch(message);
        expect((await call(target, 'GET', '/api/audit')).entries).toEqual([]);
      } finally {
        await target.stop();
      }
    });

    it("--merge keeps the rollouts' ids, and refuses (409) ids the store already has", async () => {
      const target = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(work.path, 'rollouts-merge.db') });
      try {
        await call(target, 'POST', '/api/prompts', { key: 'MINE', text: 'mine' });
        const merged = await cli(target, '--json', 'import', file, '--merge');
        expect(merged.code).toBe(0);
        expect(JSON.parse(merged.stdout)).toMatchObject({ rollouts: 3 });
        const list = (await call(target, 'GET', '/api/prompts/ACTIVE/rollouts')).rollouts as { id: string; history: { revision: number }[] }[];
        expect(list.map((r) => r.id)).toEqual([ids.ACTIVE]);
        // Renumbered after the store's own change: the history's revisions follow.
        expect(list[0].history.map((h) => h.revision)[0]).toBeGreaterThan(1);
        const renamed = edited('rename.ndjson', (r) => ('key' in r && typeof r.key === 'string' ? { ...r, key: `${r.key}_B` } : r));
        const again = await cli(target, 'import', renamed, '--merge');
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(new RegExp(`409 merge refused: the store already has rollouts with the ids .*${ids.ACTIVE}`));
      } finally {
        await target.stop();
      }
    });

    describePostgres('from SQLite to PostgreSQL', () => {
      let db: TestDatabase;
      let target: ServerProcess;
      beforeAll(async () => {
        db = await createTestDatabase();
        target = await startServerProcess({ DATABASE_URL: db.url });
      }, 120_000);
      afterAll(async () => {
        await target.stop();
        await db.drop();
      });

      it.each(badCases)('PostgreSQL refuses %s and writes nothing', async (_name, make, message) => {
        const refused = await cli(target, 'import', make());
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(message);
        expect((await call(target, 'GET', '/api/audit')).entries).toEqual([]);
      });

      it('rollouts, audit (rollout fields included), the label view with its offer and the replay from Last-Event-ID 0 read the same', async () => {
        expect((await cli(target, 'import', file)).code).toBe(0);
        const back = join(work.path, 'rollouts-from-pg.ndjson');
        expect((await cli(target, 'export', back)).code).toBe(0);
        expect(records(back)).toEqual(records(file));
        const before = await views(withRollouts);
        expect(await views(target)).toEqual(before);
        const active = (before.production.prompts as { key: string; rollout: unknown }[]).find((p) => p.key === 'ACTIVE');
        expect(active?.rollout).toMatchObject({ id: ids.ACTIVE, percent: 37.5, apply: 'next-session', candidate: { version: 2 } });
        // Every change that touched production: the three creates, three rollout starts, a raise, a complete, an abort.
        const replayed = await replay(target, 9);
        expect(replayed).toEqual(await replay(withRollouts, 9));
        const offers = replayed.map((e) => (e.data as { rollout?: { id: string; percent: number } | null }).rollout).filter(Boolean);
        expect(offers).toContainEqual(expect.objectContaining({ id: ids.ACTIVE, percent: 37.5, candidate: expect.objectContaining({ version: 2 }) }));
      });

      it('--merge refuses a rollout id PostgreSQL already has (409)', async () => {
        const renamed = edited('rename-pg.ndjson', (r) => ('key' in r && typeof r.key === 'string' ? { ...r, key: `${r.key}_B` } : r));
        const again = await cli(target, 'import', renamed, '--merge');
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/409 merge refused: the store already has rollouts with the ids/);
      });
    });
  });
});
