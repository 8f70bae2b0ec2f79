import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MissingVariableError, PromptClient, type PromptChange, type PromptClientOptions, type PromptWarning } from '../src/client/index.js';
import { ConnectionRegistry } from '../src/stream/connection-registry.js';
import { startApp, type TestApp } from './support/app.js';
import { storeTargets, type StoreTargetInstance } from './support/store-targets.js';
import { tempDir } from './support/temp-dir.js';
import { FlakyProxy } from './support/client/flaky-proxy.js';
import { restClient } from './support/client/rest.js';
import { nextEvent } from './support/client/waits.js';
import { waitFor } from './support/wait-for.js';

// PromptClient against the real server (the Nest app with its SSE stream),
// started in-process on a fresh store of each target.
describe.each(storeTargets)('PromptClient against the real server on $name', (target) => {
  let app: TestApp;
  const rest = restClient(() => app.url);
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    app = await startApp({ target });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await app.close();
  });

  function client(options: Partial<PromptClientOptions> = {}): PromptClient {
    const c = new PromptClient({ url: app.url, pollIntervalMs: 50, backoff: { initialMs: 20, maxMs: 200 }, ...options });
    cleanups.push(() => c.close());
    return c;
  }

  it('happy path: ready with the server values, then exactly one change per REST update', async () => {
    await rest.create('AGENT_INSTRUCTION', 'You are Friday.');
    await rest.create('SESSION_INSTRUCTION', 'Greet the caller.');
    const c = client({ keys: ['AGENT_INSTRUCTION', 'SESSION_INSTRUCTION'], agentId: 'friday-1' });
    const state = await c.ready();
    expect(state).toMatchObject({ source: 'server', prompts: { AGENT_INSTRUCTION: 'You are Friday.', SESSION_INSTRUCTION: 'Greet the caller.' } });
    const changes: PromptChange[] = [];
    c.on('change', (change) => changes.push(change));
    const first = await rest.update('AGENT_INSTRUCTION', 'You are Friday, now brief.');
    await waitFor(() => changes.length >= 1, 'the first change');
    await rest.create('UNFOLLOWED', 'not for this agent');
    const second = await rest.update('SESSION_INSTRUCTION', 'Greet the caller by name.');
    await waitFor(() => changes.length >= 2, 'the second change');
    expect(changes).toEqual([
      {
        key: 'AGENT_INSTRUCTION',
        text: 'You are Friday, now brief.',
        revision: first.revision,
        version: 2,
        deleted: false,
        source: 'server',
        variables: {},
        rollout: null,
      },
      {
        key: 'SESSION_INSTRUCTION',
        text: 'Greet the caller by name.',
        revision: second.revision,
        version: 2,
        deleted: false,
        source: 'server',
        variables: {},
        rollout: null,
      },
    ]);
    expect(c.status()).toMatchObject({ mode: 'streaming', source: 'server', revision: second.revision });
  });

  it('a deleted prompt falls back to its default', async () => {
    await rest.create('AGENT_INSTRUCTION', 'server text');
    const c = client({ defaults: { AGENT_INSTRUCTION: 'built-in' } });
    await c.ready();
    const change = nextEvent<PromptChange>(c, 'change');
    await rest.remove('AGENT_INSTRUCTION');
    expect(await change).toMatchObject({ key: 'AGENT_INSTRUCTION', text: 'built-in', deleted: true });
  });

  it('polls through a proxy that answers 502 for the stream, then streams again', async () => {
    const proxy = await FlakyProxy.start(app.url);
    cleanups.push(() => proxy.close());
    await rest.create('A', 'one');
    const c = client({ url: proxy.url });
    await c.ready();
    proxy.fail('stream');
    await waitFor(() => c.status().mode === 'polling', 'polling');
    await rest.update('A', 'two');
    await waitFor(() => c.get('A') === 'two', 'the update through polling');
    proxy.fail('none');
    await waitFor(() => c.status().mode === 'streaming', 'streaming again');
    await rest.update('A', 'three');
    await waitFor(() => c.get('A') === 'three', 'the update through the stream');
  });

  it("transport 'poll' never opens the stream and still delivers every change by polling", async () => {
    await rest.create('A', 'one');
    const requests: string[] = [];
    const c = client({
      transport: 'poll',
      fetch: (input, init) => {
        requests.push(new URL(input).pathname);
        return fetch(input, init);
      },
    });
    expect(await c.ready()).toMatchObject({ source: 'server', prompts: { A: 'one' } });
    await waitFor(() => c.status().mode === 'polling', 'polling mode');
    await rest.update('A', 'two');
    await waitFor(() => c.get('A') === 'two', 'the update through polling');
    expect(new Set(requests)).toEqual(new Set(['/api/prompts']));
    expect(app.app.get(ConnectionRegistry).count).toBe(0);
  });

  it("follows its label's view: staging saves reach a staging client, drafts and production moves do not", async () => {
    await rest.create('AGENT_INSTRUCTION', 'live');
    await rest.update('AGENT_INSTRUCTION', 'try me', ['staging']);
    const staging = client({ label: 'staging' });
    const production = client();
    expect((await staging.ready()).prompts).toEqual({ AGENT_INSTRUCTION: 'try me' });
    expect((await production.ready()).prompts).toEqual({ AGENT_INSTRUCTION: 'live' });
    expect(staging.status()).toMatchObject({ label: 'staging', revision: 2 });
    const seen: PromptChange[] = [];
    production.on('change', (change) => seen.push(change));
    const stagingChange = nextEvent<PromptChange>(staging, 'change');
    await rest.update('AGENT_INSTRUCTION', 'draft', []);
    await rest.update('AGENT_INSTRUCTION', 'staging two', ['staging']);
    expect(await stagingChange).toMatchObject({ text: 'staging two', version: 4, revision: 4 });
    await rest.move('AGENT_INSTRUCTION', 'production', 4);
    await waitFor(() => seen.length === 1, 'production to hear of the move');
    expect(seen).toEqual([
      {
        key: 'AGENT_INSTRUCTION',
        text: 'staging two',
        revision: 5,
        version: 4,
        deleted: false,
        source: 'server',
        variables: {},
        rollout: null,
      },
    ]);
  });

  it("refuses a label name the server would refuse, and keeps one label's cache from another", async () => {
    expect(() => new PromptClient({ url: app.url, label: 'Staging!' })).toThrow(/label must be a lower-case letter/);
    await rest.create('AGENT_INSTRUCTION', 'live');
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const cacheFile = join(dir.path, 'cache.json');
    const first = client({ cacheFile });
    await first.ready();
    await first.close();
    await app.close();
    const errors: Error[] = [];
    const staging = new PromptClient({ url: app.url, cacheFile, label: 'staging', readyTimeoutMs: 200, defaults: { AGENT_INSTRUCTION: 'built-in' } });
    staging.on('error', (error) => errors.push(error));
    cleanups.push(() => staging.close());
    expect(await staging.ready()).toMatchObject({ source: 'defaults' });
    expect(errors.map((e) => e.message).join(' ')).toMatch(/holds label "production", not "staging"/);
    app = await startApp({ target });
  });

  it('render: fills from the values, then the defaults; a missing required variable throws, or warns when lenient', async () => {
    await rest.create('GREETING', 'Hi {{name}}, {{tone}}.', { name: {}, tone: { default: 'welcome' } });
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const cacheFile = join(dir.path, 'cache.json');
    const c = client({ cacheFile });
    await c.ready();
    expect(c.get('GREETING')).toBe('Hi {{name}}, {{tone}}.');
    expect(c.render('GREETING', { name: 'Ada' })).toBe('Hi Ada, welcome.');
    expect(c.render('GREETING', { name: 'Ada', tone: 7 })).toBe('Hi Ada, 7.');
    expect(() => c.render('GREETING')).toThrow(new MissingVariableError('GREETING', ['name']));
    const warning = nextEvent<PromptWarning>(c, 'warning');
    expect(c.render('GREETING', {}, { strict: false })).toBe('Hi , welcome.');
    expect(await warning).toMatchObject({ code: 'MISSING_VARIABLE', key: 'GREETING', variables: ['name'] });
    expect(c.render('UNKNOWN')).toBeUndefined();

    // A new default with the same text is a change: what render fills in moved.
    const change = nextEvent<PromptChange>(c, 'change');
    await rest.update('GREETING', 'Hi {{name}}, {{tone}}.', undefined, { name: {}, tone: { default: 'hello' } });
    expect(await change).toMatchObject({ key: 'GREETING', variables: { tone: { default: 'hello' } } });
    expect(c.render('GREETING', { name: 'Ada' })).toBe('Hi Ada, hello.');

    // The cache keeps the variables: a cold start on it renders the same.
    await waitFor(async () => (await readFile(cacheFile, 'utf8').catch(() => '')).includes('hello'), 'the cache to hold the new default');
    await c.close();
    await app.close();
    const cold = client({ cacheFile, readyTimeoutMs: 100 });
    expect(await cold.ready()).toMatchObject({ source: 'cache' });
    expect(cold.render('GREETING', { name: 'Bo' })).toBe('Hi Bo, hello.');
    app = await startApp({ target });
  });

  it('refuses a transport it does not know, naming the choices', () => {
    expect(() => new PromptClient({ url: app.url, transport: 'carrier-pigeon' as 'poll' })).toThrow("transport must be 'auto' or 'poll'");
  });

  it('cold start: cache while the server is down, then the server once it is up', async () => {
    await rest.create('A', 'from server');
    const port = (app.app.getHttpServer().address() as AddressInfo).port;
    const store = app.store;
    await app.stop();
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const cacheFile = join(dir.path, 'prompt-cache.json');
    await writeFile(cacheFile, JSON.stringify({ format: 1, revision: 0, prompts: [{ key: 'A', text: 'from cache', version: 1, updatedAt: 'x' }] }));
    const c = client({ cacheFile, defaults: { A: 'default' } });
    expect(await c.ready()).toMatchObject({ source: 'cache', prompts: { A: 'from cache' } });
    const restarted = await startApp({ store, port });
    // The restarted app now owns the store: closing it (in afterEach) throws the data away.
    app = {
      ...restarted,
      close: async () => {
        await restarted.close();
        await store.cleanup();
      },
    };
    await waitFor(() => c.status().source === 'server', 'the server state', 15_000);
    expect(c.get('A')).toBe('from server');
    // A poll may bring the server state before the stream reconnects (it does on PostgreSQL's slower start).
    await waitFor(() => c.status().mode === 'streaming', 'the stream to reconnect', 15_000);
  });
});

describe('PromptClient chaos: server killed and restarted while updates are written', () => {
  const CLIENTS = 20;
  const RESTARTS = 5;
  const UPDATES = 200;
  const KEYS = ['K0', 'K1', 'K2', 'K3', 'K4'];

  it(`${CLIENTS} clients, ${RESTARTS} restarts, ${UPDATES} updates: no loss, no disorder`, async () => {
    const store: StoreTargetInstance = await storeTargets[0].create();
    let app = await startApp({ store });
    const port = (app.app.getHttpServer().address() as AddressInfo).port;
    let up = true;
    const rest = restClient(() => app.url);
    for (const key of KEYS) await rest.create(key, `${key}#-1`);

    const clients = Array.from(
      { length: CLIENTS },
      (_, i) =>
        new PromptClient({
          url: app.url,
          keys: KEYS,
          agentId: `chaos-${i}`,
          pollIntervalMs: 100,
          backoff: { initialMs: 20, maxMs: 300 },
        }),
    );
    const seen = clients.map((c) => {
      const log: PromptChange[] = [];
      c.on('change', (change) => log.push(change));
      return log;
    });
    const outages = clients.map((c) => {
      const count = { n: 0 };
      c.on('mode', ({ previous }) => {
        if (previous === 'streaming') count.n += 1;
      });
      return count;
    });
    try {
      await Promise.all(clients.map((c) => c.ready()));
      expect(clients.every((c) => c.status().source === 'server')).toBe(true);

      let written = 0;
      const writer = (async () => {
        for (let n = 0; n < UPDATES; n++) {
          const key = KEYS[n % KEYS.length];
          for (;;) {
            try {
              await rest.update(key, `${key}#${n}`);
              break;
            } catch {
              await waitFor(() => up, 'the server to come back', 20_000);
            }
          }
          written = n + 1;
        }
      })();
      for (let r = 1; r <= RESTARTS; r++) {
        await waitFor(() => written >= Math.floor((UPDATES * r) / (RESTARTS + 1)), `update ${r} of the chaos`, 20_000);
        up = false;
        await app.stop();
        await waitFor(() => clients.every((c) => c.status().mode !== 'streaming'), 'every client to notice the outage');
        app = await startApp({ store, port });
        up = true;
        // Each restart must hit streaming clients, or two outages would merge into one.
        await waitFor(() => clients.every((c) => c.status().mode === 'streaming'), 'every client to stream again', 20_000);
      }
      await writer;

      const finalRevision = await rest.revision();
      const finalText = Object.fromEntries(KEYS.map((key, i) => [key, `${key}#${UPDATES - KEYS.length + i}`]));
      await waitFor(() => clients.every((c) => c.status().revision === finalRevision), 'every client at the final revision', 30_000);
      clients.forEach((c, i) => {
        expect(c.all()).toEqual(finalText);
        expect(c.status()).toMatchObject({ mode: 'streaming', source: 'server', revision: finalRevision });
        expectOrdered(seen[i]);
        expect(outages[i].n).toBe(RESTARTS);
      });
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
      await store.cleanup();
    }
  }, 120_000);

  // Applied states come in revision order (several keys may change in one
  // state, never the same key twice), and for each key the texts seen follow
  // the order they were written in.
  function expectOrdered(changes: PromptChange[]): void {
    for (let i = 1; i < changes.length; i++) {
      const [prev, next] = [changes[i - 1], changes[i]];
      expect(next.revision ?? 0).toBeGreaterThanOrEqual(prev.revision ?? 0);
      if (next.revision === prev.revision) expect(next.key).not.toBe(prev.key);
    }
    for (const key of KEYS) {
      const order = changes.filter((c) => c.key === key).map((c) => Number(c.text?.split('#')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(new Set(order).size).toBe(order.length);
    }
  }
});
