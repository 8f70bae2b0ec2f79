import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PromptClient, type PromptChange, type PromptClientOptions } from '../src/client/index.js';
import { tempDir } from './support/temp-dir.js';
import { FakePromptServer } from './support/client/fake-prompt-server.js';
import { nextEvent } from './support/client/waits.js';
import { waitFor } from './support/wait-for.js';

// The client against an in-memory implementation of the wire protocol: what it
// sends, what it applies and what it ignores.
describe('PromptClient protocol', () => {
  let server: FakePromptServer;
  const clients: PromptClient[] = [];
  const dirs: { remove(): void }[] = [];

  beforeEach(async () => {
    server = await FakePromptServer.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
    for (const d of dirs.splice(0)) d.remove();
  });

  function client(options: Partial<PromptClientOptions> = {}): PromptClient {
    const c = new PromptClient({ url: server.url, backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 50, ...options });
    clients.push(c);
    return c;
  }

  function collect(c: PromptClient): PromptChange[] {
    const changes: PromptChange[] = [];
    c.on('change', (change) => changes.push(change));
    return changes;
  }

  it('resolves ready with the server snapshot and then emits one change per update', async () => {
    server.put('AGENT_INSTRUCTION', 'You are Friday.');
    const c = client({ keys: ['AGENT_INSTRUCTION'] });
    const state = await c.ready();
    expect(state).toEqual({ source: 'server', revision: 1, prompts: { AGENT_INSTRUCTION: 'You are Friday.' } });
    expect(c.status()).toMatchObject({ mode: 'streaming', source: 'server', revision: 1 });
    const changes = collect(c);
    const revision = server.put('AGENT_INSTRUCTION', 'You are Friday, briefly.');
    await waitFor(() => changes.length === 1, 'the change');
    expect(changes[0]).toEqual({
      key: 'AGENT_INSTRUCTION',
      text: 'You are Friday, briefly.',
      revision,
      version: 2,
      deleted: false,
      source: 'server',
      variables: {},
      rollout: null,
    });
    expect(c.get('AGENT_INSTRUCTION')).toBe('You are Friday, briefly.');
  });

  it('sends the token, the agent id and the key filter', async () => {
    const c = client({ token: 's3cret', agentId: 'friday-1', keys: ['A', 'B'] });
    await c.ready();
    const [first] = server.streamRequests();
    expect(first.path).toBe('/api/prompts/stream?keys=A%2CB&agent=friday-1');
    expect(first.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-agent-id': 'friday-1', accept: 'text/event-stream' });
    expect(first.headers['last-event-id']).toBeUndefined();
  });

  it('ignores keys it does not follow', async () => {
    server.put('A', 'a');
    server.put('OTHER', 'o');
    const c = client({ keys: ['A'] });
    expect((await c.ready()).prompts).toEqual({ A: 'a' });
    expect(c.get('OTHER')).toBeUndefined();
  });

  it('resumes with Last-Event-ID after a drop and misses nothing written meanwhile', async () => {
    server.put('A', 'one');
    const c = client();
    await c.ready();
    const changes = collect(c);
    server.dropStreams();
    server.put('A', 'two');
    server.put('B', 'bee');
    await waitFor(() => changes.length === 2, 'both changes after the drop');
    expect(changes.map((ch) => [ch.key, ch.text, ch.revision])).toEqual([
      ['A', 'two', 2],
      ['B', 'bee', 3],
    ]);
    const resumed = server.streamRequests().at(-1);
    expect(resumed?.headers['last-event-id']).toBe('1');
  });

  it('falls back to the default when a key is deleted, and says it was deleted', async () => {
    server.put('A', 'server text');
    const c = client({ defaults: { A: 'built-in text' } });
    await c.ready();
    const changes = collect(c);
    const revision = server.remove('A');
    await waitFor(() => changes.length === 1, 'the delete');
    expect(changes[0]).toEqual({
      key: 'A',
      text: 'built-in text',
      revision,
      version: undefined,
      deleted: true,
      source: 'server',
      variables: {},
      rollout: null,
    });
    expect(c.get('A')).toBe('built-in text');
  });

  it('writes every applied state to the cache file atomically', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const cacheFile = join(dir.path, 'nested', 'prompt-cache.json');
    server.put('A', 'one');
    const c = client({ cacheFile });
    await c.ready();
    server.put('A', 'two');
    await waitFor(() => c.get('A') === 'two', 'the update');
    await c.close();
    const cached = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(cached).toMatchObject({ format: 1, revision: 2, prompts: [{ key: 'A', text: 'two', version: 2 }] });
  });

  it('reports a malformed event as an error and keeps streaming', async () => {
    const c = client();
    await c.ready();
    const error = nextEvent<Error>(c, 'error');
    server.heartbeat();
    server.writeRaw('event: prompt.updated\ndata: {"revision": "x"}\n\n');
    expect(await error).toMatchObject({ code: 'BAD_EVENT' });
    server.put('A', 'still works');
    await waitFor(() => c.get('A') === 'still works', 'the next update');
    expect(c.status().mode).toBe('streaming');
  });

  it('close() is idempotent and stops every connection', async () => {
    const c = client();
    await c.ready();
    await waitFor(() => server.openStreams === 1, 'the stream');
    await Promise.all([c.close(), c.close()]);
    await waitFor(() => server.openStreams === 0, 'the stream to close');
    expect(c.status().mode).toBe('offline');
  });
});
