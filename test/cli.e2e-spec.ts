import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { openStream } from './support/sse.js';
import { tempDir } from './support/temp-dir.js';

/** A text that a careless tool would change: unicode, trailing blanks, CRLF, a tab, no final newline. */
const AWKWARD = 'Grüß dich, 日本語 — ok  \r\nline two\t \r\n\r\n  indented  ';

async function api<T = Record<string, unknown>>(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T };
}

/** The file `pull` wrote for `key`, split at the line that closes its front matter. */
function promptFile(dir: string, key: string): { head: string; body: string } {
  const source = readFileSync(join(dir, `${key}.md`), 'utf8');
  const end = source.indexOf('\n---\n');
  return { head: source.slice(0, end + 5), body: source.slice(end + 5) };
}

function edit(dir: string, key: string, text: string): void {
  writeFileSync(join(dir, `${key}.md`), promptFile(dir, key).head + text, 'utf8');
}

const say = (run: CliRun) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

// Each test runs several CLI processes; on a loaded machine that takes a while.
jest.setTimeout(120_000);

describe('the promptcast CLI against a real server (built, as a subprocess)', () => {
  let server: ServerProcess;
  const data = tempDir();
  let work: ReturnType<typeof tempDir>;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, { url: server.url, cwd: work.path });

  beforeAll(async () => {
    server = await startServerProcess({ DATABASE_URL: '', SQLITE_PATH: join(data.path, 'promptcast.db') });
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    data.remove();
  });
  beforeEach(() => {
    work = tempDir('promptcast-cli-');
    dir = join(work.path, 'prompts');
  });
  afterEach(() => work.remove());

  it('pull → edit → diff exits 1 → push → the stream delivers it', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'FLOW', text: 'hello' });
    expect((await cli('pull', dir)).code).toBe(0);
    expect(promptFile(dir, 'FLOW').body).toBe('hello');
    const clean = await cli('diff', dir);
    expect(clean.code).toBe(0);

    edit(dir, 'FLOW', 'hello again');
    const changed = await cli('diff', dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('-hello\n');
    expect(changed.stdout).toContain('+hello again');

    const stream = await openStream(`${server.url}/api/prompts/stream?keys=FLOW`);
    try {
      await stream.changesUntil(1); // the snapshot
      const pushed = await cli('push', dir, '-m', 'from git');
      expect(pushed.code).toBe(0);
      const [, update] = await stream.changesUntil(2);
      expect(update).toMatchObject({ event: 'prompt.updated', data: { key: 'FLOW', version: 2, text: 'hello again' } });
    } finally {
      await stream.close();
    }
    expect(promptFile(dir, 'FLOW').head).toContain('version: 2');
    expect((await cli('diff', dir)).code).toBe(0);
  });

  it('a push of a key changed on the server since the pull writes nothing and exits 1, naming the key', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'RACE', text: 'v1' });
    await cli('pull', dir);
    await api(server, 'PUT', '/api/prompts/RACE', { text: 'someone else' }, { 'If-Match': '"1"' });
    edit(dir, 'RACE', 'mine');
    const pushed = await cli('push', dir);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/conflict RACE: .*version 2.*pulled from 1/);
    const versions = await api<{ total: number }>(server, 'GET', '/api/prompts/RACE/versions');
    expect(versions.body.total).toBe(2);
    expect((await api<{ text: string }>(server, 'GET', '/api/prompts/RACE')).body.text).toBe('someone else');
  });

  it('round-trips unicode, trailing blanks, CRLF and no final newline byte for byte', async () => {
    await api(server, 'POST', '/api/prompts', {
      key: 'BYTES',
      text: AWKWARD,
      variables: { tone: { default: 'warm  ', description: 'ü: "quoted" #not-a-comment' } },
    });
    await cli('pull', dir);
    expect(Buffer.from(promptFile(dir, 'BYTES').body)).toEqual(Buffer.from(AWKWARD));
    expect((await cli('diff', dir)).code).toBe(0);
    const edited = `${AWKWARD}\r\n\r\nüberall  {{tone}}`;
    edit(dir, 'BYTES', edited);
    expect((await cli('push', dir)).code).toBe(0);
    const saved = await api<{ text: string; variables: unknown }>(server, 'GET', '/api/prompts/BYTES/versions/2');
    expect(Buffer.from(saved.body.text)).toEqual(Buffer.from(edited));
    expect(saved.body.variables).toEqual({ tone: { default: 'warm  ', description: 'ü: "quoted" #not-a-comment' } });
    // Pulled again, the file is the same bytes the push left.
    const before = readFileSync(join(dir, 'BYTES.md'));
    await cli('pull', dir);
    expect(readFileSync(join(dir, 'BYTES.md'))).toEqual(before);
  });

  it('a push to production of a text with an undeclared placeholder stops with its errors and warnings, and writes nothing', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'GATED', text: 'plain' });
    await cli('pull', dir);
    edit(dir, 'GATED', 'Hi {{caller_name}} 😀');
    const pushed = await cli('push', dir);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/GATED\.md:1:4 error variable-undeclared/);
    expect(pushed.stdout).toMatch(/warning emoji/);
    expect((await api<{ total: number }>(server, 'GET', '/api/prompts/GATED/versions')).body.total).toBe(1);
    // A draft takes it, and says what the checks found.
    const draft = await cli('push', dir, '--draft');
    expect(draft.code).toBe(0);
    expect(draft.stdout).toMatch(/error variable-undeclared/);
  });

  it('check exits 1 on errors, through the server and offline', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'CHECKED', text: 'fine' });
    await cli('pull', dir);
    expect((await cli('check', dir)).code).toBe(0);
    edit(dir, 'CHECKED', 'Hello {{who');
    for (const args of [
      ['check', dir],
      ['check', dir, '--offline'],
    ]) {
      const run = await cli(...args);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/CHECKED\.md:1:7 error placeholder-unclosed/);
    }
  });

  it('publish and promote move labels with --yes, show the diff, and refuse to ask without a terminal', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'REL', text: 'one' });
    await api(server, 'PUT', '/api/prompts/REL', { text: 'two', labels: ['staging'] }, { 'If-Match': '"1"' });
    const asked = await cli('promote', 'REL', '--from', 'staging', '--to', 'production');
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/--yes/);
    expect((await api<{ version: number }>(server, 'GET', '/api/prompts/REL')).body.version).toBe(1);

    const promoted = await cli('promote', 'REL', '--from', 'staging', '--to', 'production', '--yes');
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain('-one');
    expect(promoted.stdout).toContain('+two');
    expect((await api<{ version: number }>(server, 'GET', '/api/prompts/REL')).body.version).toBe(2);

    const back = await cli('--json', 'publish', 'REL', '--version', '1', '--label', 'production', '--yes', '-m', 'back');
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ key: 'REL', label: 'production', version: 1, moved: true, from: 2 });
    expect((await api<{ version: number }>(server, 'GET', '/api/prompts/REL')).body.version).toBe(1);
  });

  it('status prints the labels and the fleet; --json parses', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'STAT', text: 'x', labels: ['production', 'staging'] });
    const report = await api(server, 'POST', '/api/agents/report', { agentId: 'cli-agent-1', revision: 0, sessions: 2, mode: 'streaming' });
    expect(report.status).toBe(204);
    const text = await cli('status');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/STAT: production → v1, staging → v1/);
    expect(text.stdout).toMatch(/fleet: 1 agents, 1 behind/);
    expect(text.stdout).toMatch(/cli-agent-1 production r0 streaming 2 calls behind/);
    const json = await cli('--json', 'status');
    const parsed = JSON.parse(json.stdout) as { prompts: { key: string }[]; fleet: { total: number; agents: { agentId: string }[] } };
    expect(parsed.prompts.map((p) => p.key)).toContain('STAT');
    expect(parsed.fleet).toMatchObject({ total: 1, agents: [{ agentId: 'cli-agent-1' }] });
  });

  it('--json output of pull, diff and push parses', async () => {
    await api(server, 'POST', '/api/prompts', { key: 'JSONED', text: 'a' });
    expect(JSON.parse((await cli('--json', 'pull', dir)).stdout)).toMatchObject({
      label: 'production',
      prompts: expect.arrayContaining([expect.objectContaining({ key: 'JSONED', version: 1 })]),
    });
    edit(dir, 'JSONED', 'b');
    const diffed = await cli('--json', 'diff', dir);
    expect(diffed.code).toBe(1);
    expect(JSON.parse(diffed.stdout)).toMatchObject({
      differ: true,
      prompts: expect.arrayContaining([expect.objectContaining({ key: 'JSONED', changed: true })]),
    });
    const pushed = await cli('--json', 'push', dir);
    expect(JSON.parse(pushed.stdout)).toMatchObject({
      prompts: expect.arrayContaining([{ key: 'JSONED', outcome: 'saved', version: 2, checks: [] }]),
    });
  });

  it('says what is wrong when the server cannot be reached or an argument is bad (exit 2)', async () => {
    const down = await runCli(['status'], { url: 'http://127.0.0.1:9', cwd: work.path });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:9/);
    const bad = await cli('publish', 'X', '--version', 'abc', '--yes');
    expect(bad.code).toBe(2);
    expect(say(bad)).toMatch(/a version is a whole number/);
  });
});
