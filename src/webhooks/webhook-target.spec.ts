import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookTarget, type Delivery, type TargetReport } from './webhook-target.js';

const delivery: Delivery = { revision: 1, event: 'prompt.updated', body: Buffer.from('{}'), signature: 'sha256=x' };

/** A receiver that answers every POST with 500. */
async function failingReceiver(): Promise<{ url: URL; server: Server }> {
  const server = createServer((req, res) => req.resume().once('end', () => res.writeHead(500).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`), server };
}

describe('WebhookTarget retry schedule', () => {
  it('waits a jittered, doubling, capped delay between tries and gives up after maxAttempts', async () => {
    const { url, server } = await failingReceiver();
    const waits: Array<number | undefined> = [];
    let gaveUp!: () => void;
    const done = new Promise<void>((resolve) => (gaveUp = resolve));
    const report: TargetReport = {
      delivered: () => {},
      failed: (_d, _reason, _detail, _attempt, retryInMs) => waits.push(retryInMs),
      dropped: (_d, reason) => reason === 'gave_up' && gaveUp(),
      depth: () => {},
    };
    const policy = { maxAttempts: 4, backoffMs: 10, backoffMaxMs: 30, queueMax: 10, timeoutMs: 5000 };
    const target = new WebhookTarget(url, policy, report, () => 0.5);
    try {
      target.enqueue(delivery);
      await done;
      // Ceilings 10, 20, 30 (capped); the injected draw takes half of each; the last try has no retry.
      expect(waits).toEqual([5, 10, 15, undefined]);
    } finally {
      await target.close();
      server.close();
    }
  });

  it('close() cuts a long wait before a retry short and reports the delivery dropped at shutdown', async () => {
    const { url, server } = await failingReceiver();
    const dropped: string[] = [];
    let failedOnce!: () => void;
    const waiting = new Promise<void>((resolve) => (failedOnce = resolve));
    const report: TargetReport = {
      delivered: () => {},
      depth: () => {},
      failed: () => failedOnce(),
      dropped: (_d, reason) => dropped.push(reason),
    };
    const policy = { maxAttempts: 10, backoffMs: 3_600_000, backoffMaxMs: 3_600_000, queueMax: 10, timeoutMs: 5000 };
    const target = new WebhookTarget(url, policy, report, () => 0.999);
    try {
      target.enqueue(delivery);
      await waiting;
      // An hour's wait is pending; jest's 30 s test timeout fails this if close() has to sit it out.
      await target.close();
      expect(dropped).toEqual(['shutdown']);
    } finally {
      server.close();
    }
  });
});
