// Issue 17's goals are ratios to the raw node:http baseline measured in the
// same run. A benchmark that measures one returns a row per goal in
// `goals`; bench/run-all.mjs prints them all as one table at the end.
// A row: {measure, promptcast, raw, ratio, goal, met, note?}; `met` is
// true/false, or null when the figure was not measured in this run.
import { markdownTable } from './stats.mjs';

/**
 * A measured row. `pc` and `raw` are numbers, `unit` formats them for the
 * table; `ratio` is pc ÷ raw; `atMost` or `atLeast` is the bound on it.
 */
export function goalRow({ measure, pc, raw, format = String, atMost, atLeast, note, extraCondition }) {
  const ratio = pc / raw;
  const bound = atMost !== undefined ? `≤ ${atMost}×` : `≥ ${atLeast}×`;
  const within = atMost !== undefined ? ratio <= atMost : ratio >= atLeast;
  const met = Number.isFinite(ratio) && within && (extraCondition?.met ?? true);
  return {
    measure,
    promptcast: format(pc),
    raw: format(raw),
    ratio,
    goal: extraCondition ? `${bound}; ${extraCondition.goal}` : bound,
    met,
    ...(note ? { note } : {}),
  };
}

/** A row for a goal this run did not measure, saying why, instead of a figure. */
export function notMeasured(measure, goal, why = 'not measured at this size (run --full)') {
  return { measure, promptcast: undefined, raw: undefined, ratio: undefined, goal, met: null, note: why };
}

/** The one table of every goal row. */
export function goalsTable(rows) {
  return markdownTable(
    ['measure', 'Promptcast', 'raw node:http', 'ratio', 'goal', 'verdict'],
    rows.map((r) => [
      r.measure,
      r.promptcast ?? '–',
      r.raw ?? '–',
      r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`,
      r.goal,
      r.met === null ? r.note : `${r.met ? '**met**' : '**NOT met**'}${r.note ? ` (${r.note})` : ''}`,
    ]),
  );
}
