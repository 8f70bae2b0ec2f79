import { backoffCeiling } from '../protocol/backoff.js';
import { Backoff, BACKOFF_DEFAULTS } from './backoff.js';

describe('Backoff', () => {
  it('doubles its ceiling from 500 ms and caps at 30 s', () => {
    const ceilings = Array.from({ length: 10 }, (_, attempt) => backoffCeiling(attempt, BACKOFF_DEFAULTS));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(backoffCeiling(10_000, BACKOFF_DEFAULTS)).toBe(30_000);
  });

  it('draws each delay uniformly between 0 and the ceiling (full jitter)', () => {
    const highest = new Backoff({}, () => 0.999_999);
    expect([1, 2, 3, 4].map(() => highest.next())).toEqual([499, 999, 1999, 3999]);
    const lowest = new Backoff({}, () => 0);
    expect([1, 2, 3].map(() => lowest.next())).toEqual([0, 0, 0]);
  });

  it('starts over after a connection that stayed up 60 s, not after a shorter one', () => {
    const backoff = new Backoff({}, () => 0.999_999);
    backoff.next();
    backoff.next();
    backoff.connectionEnded(0, 59_999);
    expect(backoff.next()).toBe(1999);
    backoff.connectionEnded(0, 60_000);
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(499);
  });

  it('honours custom bounds', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 250 }, () => 0.999_999);
    expect([1, 2, 3].map(() => backoff.next())).toEqual([99, 199, 249]);
  });
});
