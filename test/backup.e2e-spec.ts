import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/cli-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './support/postgres.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
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
      expect(JSON.parse(merged.stdout)).toEqual({ revision: 12, keys: 3, versions: 5, labels: expect.any(Number), audit: 11 });
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
});
