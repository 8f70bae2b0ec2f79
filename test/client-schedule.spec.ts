import { PromptClient, type FetchFn } from '../src/client/index.js';
import { ManualClock } from './support/client/manual-clock.js';

// The reconnection and polling schedule, driven by an injected clock and a
// fetch that never reaches a server: no real time passes.
describe('PromptClient schedule', () => {
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  function refusing(status?: number): { fetch: FetchFn; calls: string[] } {
    const calls: string[] = [];
    const fetch: FetchFn = async (input) => {
      const url = new URL(String(input));
      calls.push(url.pathname);
      if (status) return new Response('{}', { status });
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    };
    return { fetch, calls };
  }

  it('retries the stream with doubling jittered delays and polls after the first failed attempt', async () => {
    const clock = new ManualClock();
    const { fetch, calls } = refusing();
    const client = new PromptClient({ url: 'http://promptcast.invalid', fetch, clock, random: () => 0.999_999 });
    await settle();
    expect(calls).toEqual(['/api/prompts/stream', '/api/prompts']);
    for (const step of [499, 999, 1999, 3999]) {
      clock.advance(step);
      await settle();
    }
    expect(calls.filter((c) => c === '/api/prompts/stream')).toHaveLength(5);
    // 5000: the ready timeout and the poll interval; 37500: the connect/stall timeout (2.5 × 15 s).
    const retries = clock.requested.filter((ms) => ![5000, 37_500].includes(ms));
    expect(retries).toEqual([499, 999, 1999, 3999, 7999]);
    expect(calls.filter((c) => c === '/api/prompts').length).toBeGreaterThanOrEqual(2);
    expect(client.status().mode).toBe('offline');
    await client.close();
    expect(clock.pending).toBe(0);
  });

  it('makes one request on 401 and schedules nothing after it', async () => {
    const clock = new ManualClock();
    const { fetch, calls } = refusing(401);
    const client = new PromptClient({ url: 'http://promptcast.invalid', fetch, clock, defaults: { A: 'd' } });
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    clock.advance(600_000);
    await settle();
    expect(calls).toEqual(['/api/prompts/stream']);
    expect(clock.pending).toBe(0);
    expect(client.get('A')).toBe('d');
    await client.close();
  });
});
