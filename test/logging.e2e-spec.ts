import { Writable } from 'node:stream';
import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { openStream } from './support/sse.js';
import { waitFor } from './support/wait-for.js';

/** Collects what the app logs, line by line. */
class LogLines extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    done();
  }
}

type LogObject = Record<string, unknown> & { msg: string; level: number; time: string; reqId?: string };

describe('logging', () => {
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('echoes a usable X-Request-Id, and gives a fresh one when there is none or it is unusable', async () => {
    app = await startApp();
    const given = await request(app.url).get('/api/prompts').set('X-Request-Id', 'lb-7f3a.42').expect(200);
    expect(given.headers['x-request-id']).toBe('lb-7f3a.42');
    const fresh = await request(app.url).get('/api/prompts').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unusable = await request(app.url)
      .get('/nope')
      .set('X-Request-Id', `a b ${'x'.repeat(200)}`)
      .expect(404);
    expect(unusable.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one JSON object per line, with the request id on every line of that request', async () => {
    const out = new LogLines();
    app = await startApp({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' }, logDestination: out });
    await request(app.url).post('/api/prompts').set('X-Request-Id', 'req-create-1').send({ key: 'A', text: 'one' }).expect(201);
    const stream = await openStream(`${app.url}/api/prompts/stream`, { headers: { 'X-Request-Id': 'req-stream-1' } });
    await stream.changesUntil(1);
    await stream.close();
    await waitFor(() => out.lines.some((l) => l.includes('disconnected')), 'the disconnect line');

    const logs = out.lines.map((l) => JSON.parse(l) as LogObject);
    for (const l of logs)
      expect(l).toMatchObject({ level: expect.any(Number), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), msg: expect.any(String) });
    const created = logs.find((l) => l.reqId === 'req-create-1' && l.msg === 'request completed');
    expect(created).toMatchObject({ req: { method: 'POST', url: '/api/prompts' }, res: { statusCode: 201 }, responseTime: expect.any(Number) });
    expect(JSON.stringify(created)).not.toMatch(/headers/);
    const connected = logs.find((l) => l.context === 'Stream' && / connected /.test(l.msg));
    expect(connected?.reqId).toBe('req-stream-1');
  });

  it('writes human lines in the pretty format, naming the context and the request', async () => {
    const out = new LogLines();
    app = await startApp({ env: { LOG_FORMAT: 'pretty' }, logDestination: out });
    const stream = await openStream(`${app.url}/api/prompts/stream`, { headers: { 'X-Request-Id': 'req-pretty-1' } });
    await stream.until((events) => events.length > 0, 'the snapshot');
    await stream.close();
    await waitFor(() => out.lines.some((l) => l.includes('[Stream]') && l.includes('connected')), 'the connect line');
    const line = out.lines.find((l) => l.includes('[Stream]') && l.includes(' connected '));
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*\[Stream\] subscriber \S+ connected .*\(req req-pretty-1\)$/);
    expect(() => JSON.parse(line ?? '') as unknown).toThrow();
  });

  it('logs nothing below LOG_LEVEL', async () => {
    const out = new LogLines();
    app = await startApp({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'warn' }, logDestination: out });
    await request(app.url).get('/api/prompts').expect(200);
    await request(app.url).get('/api/prompts/NOPE').expect(404);
    expect(out.lines.map((l) => (JSON.parse(l) as LogObject).level).filter((level) => level < 40)).toEqual([]);
  });
});
