// Hand-written SVG charts (no chart library, nothing native to install):
// a CDF with a log x axis, and a line chart. Both return the SVG text.
const W = 720;
const H = 420;
const LEGEND_ROW = 24;
const PAD = { left: 70, right: 20, top: 40, bottom: 60 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function frame(title, xLabel, yLabel, body) {
  // LEGEND_ROW extra pixels at the bottom hold the legend.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + LEGEND_ROW}" viewBox="0 0 ${W} ${H + LEGEND_ROW}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H + LEGEND_ROW}" fill="white"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>
<text x="${PAD.left + (W - PAD.left - PAD.right) / 2}" y="${H - 15}" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(18 ${PAD.top + (H - PAD.top - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
${body}
</svg>
`;
}

/** The legend: one row under the x axis label, clear of every curve. */
function legend(series) {
  let x = PAD.left;
  return series
    .map((s, i) => {
      const item =
        `<line x1="${x}" y1="${H + 10}" x2="${x + 20}" y2="${H + 10}" stroke="${COLORS[i % COLORS.length]}" stroke-width="3"/>` +
        `<text x="${x + 26}" y="${H + 14}">${esc(s.name)}</text>`;
      x += 26 + esc(s.name).length * 6.6 + 24;
      return item;
    })
    .join('\n');
}

function axes(xTicks, yTicks) {
  const x0 = PAD.left;
  const y0 = H - PAD.bottom;
  const lines = [
    `<line x1="${x0}" y1="${y0}" x2="${W - PAD.right}" y2="${y0}" stroke="black"/>`,
    `<line x1="${x0}" y1="${PAD.top}" x2="${x0}" y2="${y0}" stroke="black"/>`,
  ];
  for (const t of xTicks)
    lines.push(
      `<line x1="${t.at}" y1="${PAD.top}" x2="${t.at}" y2="${y0}" stroke="#ddd"/><text x="${t.at}" y="${y0 + 18}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  for (const t of yTicks)
    lines.push(
      `<line x1="${x0}" y1="${t.at}" x2="${W - PAD.right}" y2="${t.at}" stroke="#ddd"/><text x="${x0 - 8}" y="${t.at + 4}" text-anchor="end">${esc(t.label)}</text>`,
    );
  return lines.join('\n');
}

/**
 * Empirical CDFs on a log₁₀ x axis. `series`: [{name, values}] (values > 0;
 * smaller values are drawn at the axis minimum).
 */
export function cdfChart({ title, xLabel, series }) {
  const all = series.flatMap((s) => s.values);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, lo * 10)));
  const sx = (v) => PAD.left + ((Math.log10(Math.max(lo, v)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - PAD.left - PAD.right);
  const sy = (f) => H - PAD.bottom - f * (H - PAD.top - PAD.bottom);
  const xTicks = [];
  for (let v = lo; v <= hi; v *= 10) xTicks.push({ at: sx(v), label: v >= 1000 ? `${v / 1000} s` : `${v} ms` });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: sy(f), label: `${f * 100}%` }));
  const paths = series.map((s, i) => {
    const sorted = [...s.values].sort((a, b) => a - b);
    const pts = sorted.flatMap((v, k) => [
      `${sx(v).toFixed(1)},${sy(k / sorted.length).toFixed(1)}`,
      `${sx(v).toFixed(1)},${sy((k + 1) / sorted.length).toFixed(1)}`,
    ]);
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"/>`;
  });
  return frame(title, xLabel, 'share of edits seen (CDF)', `${axes(xTicks, yTicks)}\n${paths.join('\n')}\n${legend(series)}`);
}

/** Lines through points. `series`: [{name, points: [[x, y], …]}]; linear axes from 0. */
export function lineChart({ title, xLabel, yLabel, series }) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = niceMax(Math.max(...xs));
  const yMax = niceMax(Math.max(...ys));
  const sx = (v) => PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const sy = (v) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const ticks = (max, scale) => [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: scale(f * max), label: String(Math.round(f * max)) }));
  const body = series.map((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    const dots = s.points.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="4" fill="${c}"/>`);
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>\n${dots.join('')}`;
  });
  return frame(title, xLabel, yLabel, `${axes(ticks(xMax, sx), ticks(yMax, sy))}\n${body.join('\n')}\n${legend(series)}`);
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1)));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}
