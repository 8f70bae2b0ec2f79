import { badSessionRule, guardVerdict, metricFigure, rolloutFigures, type MetricSums, type VariantSums } from './rollout-figures.js';

/** Sums of a list of values, as a store's SQL would return them. */
const sums = (values: number[]): MetricSums => ({
  n: values.length,
  sum: values.reduce((a, v) => a + v, 0),
  sumSquares: values.reduce((a, v) => a + v * v, 0),
});

/** A side with `sessions` sessions of which `bad` fail the guard metric, and one metric. */
const side = (sessions: number, bad: number, metrics: Record<string, MetricSums> = {}): VariantSums => ({ sessions, bad, metrics });

describe('metricFigure: mean ± 1.96·sd/√n', () => {
  it.each([
    // values 1,2,3,4: mean 2.5, sample variance 5/3, 1.96·√(5/12) = 1.2651746 (by hand)
    { values: [1, 2, 3, 4], mean: 2.5, low: 2.5 - 1.2651746, high: 2.5 + 1.2651746 },
    { values: [7, 7, 7], mean: 7, low: 7, high: 7 },
    // one value: no spread to estimate, the interval is the value
    { values: [5], mean: 5, low: 5, high: 5 },
    { values: [], mean: 0, low: 0, high: 0 },
    // 0/1 values: a rate; 3 of 10: variance (3 − 0.9)/9 = 0.2333, 1.96·√(0.02333) = 0.2994
    { values: [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], mean: 0.3, low: 0.3 - 0.29939, high: 0.3 + 0.29939 },
  ])('$values → $mean [$low, $high]', ({ values, mean, low, high }) => {
    const f = metricFigure(sums(values));
    expect(f.n).toBe(values.length);
    expect(f.mean).toBeCloseTo(mean, 6);
    expect(f.low).toBeCloseTo(low, 4);
    expect(f.high).toBeCloseTo(high, 4);
  });

  it('never takes the square root of a negative variance from rounding', () => {
    const f = metricFigure({ n: 3, sum: 0.3, sumSquares: 0.03 - 1e-18 });
    expect(Number.isNaN(f.low)).toBe(false);
    expect(f.low).toBeCloseTo(0.1, 9);
  });
});

describe('rolloutFigures', () => {
  it('gives each side every metric either side has, and candidate − baseline with its Welch interval', () => {
    const f = rolloutFigures(side(4, 0, { turns: sums([1, 2, 3, 4]), 'custom:resolved': sums([1, 1]) }), side(4, 0, { turns: sums([2, 2, 2, 2]) }));
    expect(Object.keys(f.candidate.metrics)).toEqual(['custom:resolved', 'turns']);
    expect(f.baseline.metrics['custom:resolved']).toEqual({ n: 0, mean: 0, low: 0, high: 0 });
    // 2.5 − 2, half-width 1.96·√(5/3/4 + 0/4) = 1.2651746
    expect(f.difference.turns.diff).toBeCloseTo(0.5, 9);
    expect(f.difference.turns.low).toBeCloseTo(0.5 - 1.2651746, 6);
    expect(f.difference.turns.high).toBeCloseTo(0.5 + 1.2651746, 6);
    // A metric one side never reported has no difference.
    expect(f.difference['custom:resolved']).toBeUndefined();
  });
});

describe('guardVerdict: one-sided z-test of pc − pb > maxIncrease at 95%', () => {
  it.each([
    // z = (pc − pb − d) / √(pc(1−pc)/nc + pb(1−pb)/nb), computed by hand
    { name: '40% vs 5% with minSessions reached → abort', c: [20, 50], b: [2, 40], d: 0.05, min: 40, ready: true, abort: true, z: 3.877 },
    { name: 'equal rates → no abort', c: [5, 50], b: [5, 50], d: 0, min: 40, ready: true, abort: false, z: 0 },
    { name: 'below minSessions → not ready, no abort', c: [4, 10], b: [1, 20], d: 0.05, min: 20, ready: false, abort: false, z: 1.847 },
    { name: 'an increase exactly at maxIncrease → no abort', c: [10, 100], b: [5, 100], d: 0.05, min: 50, ready: true, abort: false, z: 0 },
    { name: '12% vs 5%, z just above 1.645 → abort', c: [12, 100], b: [5, 100], d: 0, min: 100, ready: true, abort: true, z: 1.789 },
    { name: '11% vs 5%, z just below 1.645 → no abort', c: [11, 100], b: [5, 100], d: 0, min: 100, ready: true, abort: false, z: 1.5735 },
    { name: 'a better candidate → no abort', c: [1, 60], b: [12, 60], d: 0, min: 50, ready: true, abort: false, z: -3.381 },
    {
      name: 'all bad vs none bad: no variance, the difference decides → abort',
      c: [20, 20],
      b: [0, 20],
      d: 0.1,
      min: 20,
      ready: true,
      abort: true,
      z: null,
    },
    { name: 'none bad on either side → no abort', c: [0, 20], b: [0, 20], d: 0, min: 20, ready: true, abort: false, z: null },
    { name: 'no sessions at all → not ready', c: [0, 0], b: [0, 0], d: 0, min: 1, ready: false, abort: false, z: null },
  ])('$name', ({ c, b, d, min, ready, abort, z }) => {
    const figures = rolloutFigures(side(c[1], c[0]), side(b[1], b[0]));
    const v = guardVerdict({ metric: 'errors', maxIncrease: d, minSessions: min }, figures);
    expect(v.ready).toBe(ready);
    expect(v.abort).toBe(abort);
    expect(v.candidateRate).toBeCloseTo(c[1] ? c[0] / c[1] : 0, 9);
    expect(v.baselineRate).toBeCloseTo(b[1] ? b[0] / b[1] : 0, 9);
    if (z === null) expect(v.z).toBeNull();
    else expect(v.z).toBeCloseTo(z, 1);
    expect(v.reason).toContain(`${c[0]}/${c[1]}`);
  });

  it('states the figures in its reason', () => {
    const v = guardVerdict({ metric: 'errors', maxIncrease: 0.05, minSessions: 40 }, rolloutFigures(side(50, 20), side(40, 2)));
    expect(v.reason).toBe(
      'the candidate is worse with 95% confidence: candidate 40.0% (20/50) vs baseline 5.0% (2/40) sessions failing errors, ' +
        'allowed increase 5.0%; z = 3.88 > 1.645',
    );
  });
});

describe('badSessionRule', () => {
  it.each([
    ['errors', { column: 'agent_errors' }],
    ['interrupted', { column: 'user_interruptions' }],
    ['early_hangup', { hangupWithinMs: 30_000, reasons: ['user_hangup', 'participant_disconnected'] }],
    ['custom:resolved', { custom: 'resolved' }],
    ['custom:', undefined],
    ['custom:bad-name', undefined],
    ['agentErrors', undefined],
    ['', undefined],
  ])('%s', (metric, rule) => {
    expect(badSessionRule(metric)).toEqual(rule);
  });
});
