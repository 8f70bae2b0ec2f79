import { jest } from '@jest/globals';
import { ListenWatchdog, type Pingable } from './listen-watchdog.js';

/** A connection whose pings answer as told; each ping waits until the test settles it. */
function connection() {
  const pings: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const client = {
    query: () => new Promise<void>((resolve, reject) => pings.push({ resolve, reject })),
  } as unknown as Pingable;
  return { client, pings };
}

describe('ListenWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every interval and stays quiet while the answers come', async () => {
    const dead = jest.fn();
    const { client, pings } = connection();
    const watchdog = new ListenWatchdog(1000, dead);
    watchdog.watch(client);
    await jest.advanceTimersByTimeAsync(1000);
    pings[0].resolve();
    await jest.advanceTimersByTimeAsync(1000);
    expect(pings).toHaveLength(2);
    expect(dead).not.toHaveBeenCalled();
    watchdog.stop();
  });

  it('does not stack pings on a connection that has not answered the last one', async () => {
    const { client, pings } = connection();
    const watchdog = new ListenWatchdog(1000, jest.fn());
    watchdog.watch(client);
    await jest.advanceTimersByTimeAsync(5000);
    expect(pings).toHaveLength(1);
    watchdog.stop();
  });

  it('reports a failed ping once, with the connection and the error, and stops', async () => {
    const dead = jest.fn();
    const { client, pings } = connection();
    const watchdog = new ListenWatchdog(1000, dead);
    watchdog.watch(client);
    await jest.advanceTimersByTimeAsync(1000);
    const err = new Error('Query read timeout');
    pings[0].reject(err);
    await jest.advanceTimersByTimeAsync(5000);
    expect(dead.mock.calls).toEqual([[client, err]]);
    expect(watchdog.active).toBe(false);
    expect(pings).toHaveLength(1);
  });

  it('ignores a failure of a connection it was told to stop watching', async () => {
    const dead = jest.fn();
    const old = connection();
    const watchdog = new ListenWatchdog(1000, dead);
    watchdog.watch(old.client);
    await jest.advanceTimersByTimeAsync(1000);
    watchdog.watch(connection().client);
    old.pings[0].reject(new Error('Connection terminated'));
    await jest.advanceTimersByTimeAsync(0);
    expect(dead).not.toHaveBeenCalled();
    expect(watchdog.active).toBe(true);
    watchdog.stop();
  });
});
