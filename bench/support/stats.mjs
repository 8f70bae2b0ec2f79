// Small numeric helpers shared by the benchmarks.

/** Nearest-rank percentile of `xs` (0 < p ≤ 100). */
export function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** p50, p90, p99 and max of `xs`. */
export function percentiles(xs) {
  return { p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: Math.max(...xs) };
}

export const median = (xs) => percentile(xs, 50);

/** A seeded PRNG (mulberry32): the same seed gives the same schedule on every run. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `x` with one decimal, for tables. */
export const ms = (x) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));

/** A markdown table from a header row and rows of cells. */
export function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
