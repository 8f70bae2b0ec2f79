import { backoffCeiling, backoffDelay } from './backoff.js';

const bounds = { initialMs: 100, maxMs: 1_000 };

describe('backoff', () => {
  it('doubles its ceiling from initialMs and caps at maxMs, however many attempts', () => {
    const ceilings = Array.from({ length: 6 }, (_, attempt) => backoffCeiling(attempt, bounds));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffCeiling(10_000, bounds)).toBe(1000);
  });

  it('draws each delay uniformly between 0 and the ceiling (full jitter)', () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, bounds, () => 0.999_999))).toEqual([99, 199, 399, 799, 999]);
    expect([0, 1, 2].map((a) => backoffDelay(a, bounds, () => 0))).toEqual([0, 0, 0]);
    expect(backoffDelay(2, bounds, () => 0.5)).toBe(200);
  });
});
