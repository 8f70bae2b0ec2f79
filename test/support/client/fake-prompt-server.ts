import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PromptList, Prompt } from '../../../src/protocol/prompts.js';
import type { SnapshotData, SnapshotPrompt, StreamEventMap, StreamEventName } from '../../../src/protocol/events.js';
import { formatEtag, ifNoneMatchHits } from '../../../src/protocol/revision.js';
import type { ApplyScope, RolloutOffer, RolloutStepName } from '../../../src/protocol/rollouts.js';
import { sseFrame, sseRetryFrame } from '../../../src/protocol/sse.js';

type Entry = SnapshotPrompt;
interface Change {
  revision: number;
  key: string;
  entry: Entry | undefined;
  /** A rollout step's name and apply scope, as the real server sends them on prompt.updated. */
  meta?: { step?: RolloutStepName; apply?: ApplyScope };
}

/** What a test can make the fake answer instead of the protocol. */
export type FakeBehaviour = 'normal' | 'refuse-401' | 'refuse-403' | 'fail-502' | 'stall';

/**
 * A small in-memory implementation of the Promptcast wire protocol (the
 * stream events of src/protocol/, `GET /api/prompts` with ETag/304), for client
 * tests that must not depend on the real server: it can refuse, fail, stall
 * and drop streams on command, and it records every request.
 */
export class FakePromptServer {
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  behaviour: FakeBehaviour = 'normal';
  private readonly prompts = new Map<string, Entry>();
  private readonly log: Change[] = [];
  private readonly streams = new Set<{ res: ServerResponse; keys: Set<string> | undefined }>();
  private revision = 0;
  private server!: Server;
  url = '';

  static async start(port = 0): Promise<FakePromptServer> {
    const fake = new FakePromptServer();
    await fake.listen(port);
    return fake;
  }

  async listen(port = 0): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Creates or updates a prompt and pushes it to open streams; returns the new revision. */
  put(key: string, text: string): number {
    const entry = { text, version: (this.prompts.get(key)?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
    this.prompts.set(key, entry);
    return this.record(key, entry);
  }

  /**
   * A rollout step on `key`: its label version stays, the offer it carries
   * changes (`null`: the rollout ended). Pushed as the real server does, a
   * prompt.updated with the offer, the step and its apply scope; returns the new revision.
   */
  rollout(key: string, offer: RolloutOffer | null, meta: { step: RolloutStepName; apply?: ApplyScope }): number {
    const current = this.prompts.get(key);
    if (!current) throw new Error(`the fake has no prompt ${key}`);
    const entry = { ...current, rollout: offer };
    this.prompts.set(key, entry);
    return this.record(key, entry, meta);
  }

  remove(key: string): number {
    this.prompts.delete(key);
    return this.record(key, undefined);
  }

  /** Sends a heartbeat on every open stream. */
  heartbeat(): void {
    for (const s of this.streams) s.res.write(frame(this.revision, 'heartbeat', { revision: this.revision }));
  }

  /** Writes raw bytes to every open stream (for malformed events). */
  writeRaw(text: string): void {
    for (const s of this.streams) s.res.write(text);
  }

  /** Cuts every open stream, as a crashing proxy would. */
  dropStreams(): void {
    for (const s of this.streams) s.res.destroy();
    this.streams.clear();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  streamRequests(): { path: string; headers: IncomingMessage['headers'] }[] {
    return this.requests.filter((r) => r.path.startsWith('/api/prompts/stream'));
  }

  /** Stops the server; safe to call again. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.dropStreams();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(key: string, entry: Entry | undefined, meta?: Change['meta']): number {
    this.revision += 1;
    this.log.push({ revision: this.revision, key, entry, meta });
    for (const s of this.streams) if (!s.keys || s.keys.has(key)) s.res.write(changeFrame(this.log.at(-1) as Change));
    return this.revision;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ path: url.pathname + url.search, headers: req.headers });
    if (this.behaviour === 'refuse-401' || this.behaviour === 'refuse-403') {
      res.writeHead(this.behaviour === 'refuse-401' ? 401 : 403, { 'Content-Type': 'application/json' }).end('{"message":"no"}');
    } else if (this.behaviour === 'fail-502') {
      res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
    } else if (url.pathname === '/api/prompts/stream') {
      this.stream(req, res, url);
    } else if (url.pathname === '/api/prompts') {
      this.list(req, res);
    } else {
      res.writeHead(404).end();
    }
  }

  private list(req: IncomingMessage, res: ServerResponse): void {
    const etag = formatEtag(this.revision);
    if (ifNoneMatchHits(req.headers['if-none-match'], this.revision)) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    const prompts: Prompt[] = [...this.prompts].map(([key, e]) => ({
      key,
      variables: {},
      ...e,
      author: 'fake',
      message: null,
      revision: this.revision,
    }));
    const body: PromptList = { revision: this.revision, prompts };
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: etag }).end(JSON.stringify(body));
  }

  private stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    if (this.behaviour === 'stall') return;
    const keysParam = url.searchParams.get('keys');
    const keys = keysParam ? new Set(keysParam.split(',')) : undefined;
    res.write(sseRetryFrame(1000));
    const from = Number(req.headers['last-event-id']);
    const replayable = Number.isInteger(from) && from >= 0 && from <= this.revision;
    if (replayable) {
      for (const c of this.log) if (c.revision > from && (!keys || keys.has(c.key))) res.write(changeFrame(c));
    } else {
      const prompts = Object.fromEntries([...this.prompts].filter(([k]) => !keys || keys.has(k)));
      res.write(frame(this.revision, 'snapshot', { revision: this.revision, prompts } satisfies SnapshotData));
    }
    const entry = { res, keys };
    this.streams.add(entry);
    res.on('close', () => this.streams.delete(entry));
  }
}

function changeFrame(c: Change): string {
  return c.entry
    ? frame(c.revision, 'prompt.updated', { revision: c.revision, key: c.key, ...c.entry, ...c.meta, author: 'fake' })
    : frame(c.revision, 'prompt.deleted', { revision: c.revision, key: c.key });
}

function frame<E extends StreamEventName>(id: number, event: E, data: StreamEventMap[E]): string {
  return sseFrame(id, event, JSON.stringify(data));
}
