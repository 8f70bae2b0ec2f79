/**
 * How much work one diff may do. A diff runs on the event loop, so every
 * request of every client waits while it runs: jsdiff's Myers algorithm costs
 * about the square of the number of edits, and two unrelated 32 KB texts took
 * 20–90 s. Past these limits a page shows a coarser diff instead.
 */
export interface DiffLimits {
  /** Wall-clock milliseconds for all passes of one diff together (the line pass, then every word pass). */
  budgetMs: number;
  /** Most changed lines the line pass looks for before it gives up. */
  maxLineEdits: number;
  /** Most changed words (and runs of spaces) the word pass looks for in one pair of lines. */
  maxWordEdits: number;
  /** Most table rows a diff may render (each costs a few microseconds of template work, and a reader's attention). */
  maxRows: number;
}

export const DIFF_LIMITS: DiffLimits = {
  // Tokenising and rendering what these limits allow take a few ms more: a page holds the loop for well under 50 ms.
  budgetMs: 25,
  // 400 changed lines take Myers a few ms; a rewrite that large reads better as the two texts anyway.
  maxLineEdits: 400,
  // A reworded sentence or two; a paragraph rewritten from scratch is shown whole rather than as confetti.
  maxWordEdits: 200,
  maxRows: 2000,
};
